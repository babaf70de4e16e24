import { readFile } from 'node:fs/promises';
import { type EventContract, eventContracts, findBreakingChanges } from '@txnflow/contracts';
import { describe, expect, it } from 'vitest';

type Schema = {
  properties?: Record<string, Schema>;
  required?: string[];
  enum?: unknown[];
  type?: string;
};

async function releasedCopyOf(contract: EventContract): Promise<Schema> {
  const file = new URL(
    `../../contracts/released/${contract.detailType}.v${contract.version}.schema.json`,
    import.meta.url,
  );
  return JSON.parse(await readFile(file, 'utf8')) as Schema;
}

const current = (contract: EventContract): Schema => structuredClone(contract.schema) as Schema;
const byName = eventContracts.map((c) => [`${c.detailType} v${c.version}`, c] as const);
const transactionRecorded = eventContracts.find((c) => c.detailType === 'TransactionRecorded')!;

describe('Schema compatibility with the last released copy', () => {
  it.each(byName)('%s has a released copy and no breaking change against it', async (_n, c) => {
    expect(findBreakingChanges(await releasedCopyOf(c), current(c))).toEqual([]);
  });
});

describe('Function: findBreakingChanges', () => {
  it('catches a required field that was removed', async () => {
    const changed = current(transactionRecorded);
    delete changed.properties!.data!.properties!.amount;
    changed.properties!.data!.required = changed.properties!.data!.required!.filter(
      (f) => f !== 'amount',
    );

    expect(findBreakingChanges(await releasedCopyOf(transactionRecorded), changed)).toContainEqual({
      path: '/data/amount',
      change: 'property removed (or renamed)',
    });
  });

  it('catches a renamed field as a removal and a new required field', async () => {
    const changed = current(transactionRecorded);
    const data = changed.properties!.data!;
    data.properties!.customerRef = data.properties!.customerId!;
    delete data.properties!.customerId;
    data.required = data.required!.map((f) => (f === 'customerId' ? 'customerRef' : f));

    expect(findBreakingChanges(await releasedCopyOf(transactionRecorded), changed)).toEqual([
      { path: '/data/customerId', change: 'property removed (or renamed)' },
      { path: '/data/customerRef', change: 'newly required: released events lack it' },
    ]);
  });

  it('catches a retyped field', async () => {
    const changed = current(transactionRecorded);
    changed.properties!.data!.properties!.source!.properties!.line!.type = 'string';

    expect(findBreakingChanges(await releasedCopyOf(transactionRecorded), changed)).toEqual([
      { path: '/data/source/line', change: 'type changed from integer to string' },
    ]);
  });

  it('catches a narrowed enum', () => {
    const released: Schema = {
      type: 'object',
      properties: { kind: { type: 'string', enum: ['a', 'b'] } },
    };
    const changed: Schema = {
      type: 'object',
      properties: { kind: { type: 'string', enum: ['a'] } },
    };

    expect(findBreakingChanges(released, changed)).toEqual([
      { path: '/kind', change: 'enum narrowed: ["b"] no longer allowed' },
    ]);
  });

  it('accepts a new optional field', async () => {
    const changed = current(transactionRecorded);
    changed.properties!.data!.properties!.channel = { type: 'string' };

    expect(findBreakingChanges(await releasedCopyOf(transactionRecorded), changed)).toEqual([]);
  });
});
