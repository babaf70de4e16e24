import { readdir, readFile } from 'node:fs/promises';
import type { ConsumerContract } from './consumer-contract.ts';
import { ConsumerContractError } from './errors.ts';

/**
 * Consumer contracts as published: one JSON file per consuming service in
 * `contracts/consumers/`, written from the services' `consumes.ts` by `npm run catalogue`.
 * They are how the producer's side knows its consumers without building their code (the
 * role a contract broker plays between teams); each consumer's tests fail when its
 * published copy is stale.
 */
const CONSUMERS_DIR = new URL('../consumers/', import.meta.url);

/**
 * The published file of a consumer's contract.
 *
 * @example publishedConsumerFile('ledger').pathname // '.../contracts/consumers/ledger.json'
 */
function publishedConsumerFile(consumer: string): URL {
  return new URL(`${consumer}.json`, CONSUMERS_DIR);
}

/**
 * The text of a consumer contract's published file.
 *
 * @example await writeFile(publishedConsumerFile('ledger'), renderConsumerContract(ledgerConsumes));
 */
function renderConsumerContract(contract: ConsumerContract): string {
  return `${JSON.stringify(contract, null, 2)}\n`;
}

function parsePublished(file: string, text: string): ConsumerContract {
  const value: unknown = JSON.parse(text);
  const shape = value as Partial<ConsumerContract> | null;
  if (typeof shape?.consumer !== 'string' || typeof shape.events !== 'object') {
    throw new ConsumerContractError(`${file} is not a consumer contract ({ consumer, events })`);
  }
  return value as ConsumerContract;
}

/**
 * Every published consumer contract, by consumer name.
 *
 * @example const consumers = await readPublishedConsumers(); verifyConsumers(consumers)
 * @throws {ConsumerContractError} naming a file that is not a consumer contract.
 */
async function readPublishedConsumers(): Promise<ConsumerContract[]> {
  const files = (await readdir(CONSUMERS_DIR)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(
    files.map(async (file) =>
      parsePublished(file, await readFile(new URL(file, CONSUMERS_DIR), 'utf8')),
    ),
  );
}

export { publishedConsumerFile, readPublishedConsumers, renderConsumerContract };
