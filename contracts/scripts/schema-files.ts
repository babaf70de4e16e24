import { readdir, readFile } from 'node:fs/promises';
import { type EventContract, eventContracts } from '../src/catalogue.ts';
import { ContractError } from '../src/errors.ts';

/** The schemas of the working tree, and their released copies. */
const SCHEMAS_DIR = new URL('../schemas/', import.meta.url);
const RELEASED_DIR = new URL('../released/', import.meta.url);

const FILE_NAME = /^([A-Za-z]+)\.v([0-9]+)\.schema\.json$/;

/**
 * Every `<DetailType>.v<N>.schema.json` of a folder as a contract, read from disk (so a
 * version not yet in the catalogue is seen too); its source is its detail-type's.
 *
 * @example await readSchemaFolder(RELEASED_DIR)
 * @throws {ContractError} naming a file whose name or detail-type the catalogue does not know.
 */
async function readSchemaFolder(dir: URL): Promise<EventContract[]> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) => {
      const match = FILE_NAME.exec(file);
      const known = eventContracts.find((c) => c.detailType === match?.[1]);
      if (!match || !known) {
        throw new ContractError(
          `${new URL(file, dir).pathname}: expected <DetailType>.v<N>.schema.json of a detail-type in contracts/src/catalogue.ts`,
        );
      }
      const schema = JSON.parse(await readFile(new URL(file, dir), 'utf8')) as Record<
        string,
        unknown
      >;
      return {
        detailType: known.detailType,
        source: known.source,
        version: match[2] as string,
        schema,
      };
    }),
  );
}

export { RELEASED_DIR, readSchemaFolder, SCHEMAS_DIR };
