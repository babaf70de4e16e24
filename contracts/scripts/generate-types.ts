// Writes src/generated/<Event>.v<N>.ts from each schema, so event types are never written by
// hand. `npm run contracts:types` after a schema change; a contract test fails on drift.
import { writeFile } from 'node:fs/promises';
import { eventContracts } from '../src/catalogue.ts';
import { renderEventTypes } from './type-generation.ts';

for (const contract of eventContracts) {
  const file = new URL(
    `../src/generated/${contract.detailType}.v${contract.version}.ts`,
    import.meta.url,
  );
  await writeFile(file, await renderEventTypes(contract));
  console.log(`wrote ${file.pathname}`);
}
