import { readFile } from 'node:fs/promises';
import { eventContracts } from '@txnflow/contracts';
import { describe, expect, it } from 'vitest';
import { renderEventTypes } from '../../contracts/scripts/type-generation.ts';

describe('Generated event types', () => {
  it.each(eventContracts.map((c) => [`${c.detailType}.v${c.version}`, c] as const))(
    '%s types match their schema (run `npm run contracts:types` after a schema change)',
    async (name, contract) => {
      const file = new URL(`../../contracts/src/generated/${name}.ts`, import.meta.url);

      expect(await readFile(file, 'utf8')).toBe(await renderEventTypes(contract));
    },
  );
});
