import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { publishedConsumerFile, renderConsumerContract } from '@txnflow/contracts/published';
import { buildAsyncApiDocument } from './asyncapi.ts';
import { ASYNCAPI_FILE } from './files.ts';
import { catalogueSources } from './sources.ts';

// `npm run catalogue`: publishes each consumer's contract to contracts/consumers/ and writes
// the AsyncAPI document to docs/asyncapi.json, formatted as the repository formats JSON.
const written: URL[] = [];
for (const contract of catalogueSources.consumers) {
  const file = publishedConsumerFile(contract.consumer);
  await writeFile(file, renderConsumerContract(contract));
  written.push(file);
}
await writeFile(
  ASYNCAPI_FILE,
  `${JSON.stringify(buildAsyncApiDocument(catalogueSources), null, 2)}\n`,
);
written.push(ASYNCAPI_FILE);
const paths = written.map((f) => fileURLToPath(f));
execFileSync('npx', ['biome', 'format', '--write', ...paths], { stdio: 'inherit' });
console.log(`wrote ${paths.length} files:\n${paths.join('\n')}`);
