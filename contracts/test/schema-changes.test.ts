import { beforeAll, describe, expect, it } from 'vitest';
import { RELEASED_DIR, readSchemaFolder, SCHEMAS_DIR } from '../scripts/schema-files.ts';
import { CURRENT_VERSION, type EventContract } from '../src/catalogue.ts';
import type { ConsumerContract } from '../src/consumer-contract.ts';
import { readPublishedConsumers } from '../src/published-consumers.ts';
import { renderSchemaChanges } from '../src/schema-change-report.ts';
import {
  classifySchemaChanges,
  needsNewVersion,
  type SchemaChange,
} from '../src/schema-changes.ts';

type Schema = {
  id?: string;
  properties: Record<string, Schema>;
  required?: string[];
  type?: string;
  enum?: string[];
  examples?: unknown[];
};

describe('Schema changes of the working tree, against the released copies', () => {
  let schemas: EventContract[];
  let released: EventContract[];
  let consumers: ConsumerContract[];
  beforeAll(async () => {
    [schemas, released, consumers] = await Promise.all([
      readSchemaFolder(SCHEMAS_DIR),
      readSchemaFolder(RELEASED_DIR),
      readPublishedConsumers(),
    ]);
  });

  /** The working tree's schemas with TransactionRecorded v1 edited in place. */
  function editingTransactionRecorded(edit: (schema: Schema) => void): EventContract[] {
    return schemas.map((c) => {
      if (c.detailType !== 'TransactionRecorded') return c;
      const schema = structuredClone(c.schema) as Schema;
      edit(schema);
      return { ...c, schema };
    });
  }
  const classify = (contracts: readonly EventContract[], current = CURRENT_VERSION) =>
    classifySchemaChanges({ contracts, released, current, consumers });
  const transactionRecorded = (changes: SchemaChange[]) =>
    changes.find((c) => c.kind !== 'removed' && c.contract.detailType === 'TransactionRecorded');
  const data = (schema: Schema) => schema.properties.data!;

  it('need no new version: nothing is changed in place in a way that breaks (`npm run contracts:check` says more)', () => {
    const changes = classify(schemas);

    expect(changes.filter(needsNewVersion), renderSchemaChanges(changes)).toEqual([]);
  });

  it('name the consumers and the archived events an in-place breaking change breaks', () => {
    const changes = classify(
      editingTransactionRecorded((s) => {
        data(s).properties.amount = { type: 'number' } as Schema;
      }),
    );

    expect(changes.some(needsNewVersion)).toBe(true);
    expect(transactionRecorded(changes)).toMatchObject({
      kind: 'breaking',
      changes: [{ path: '/data/amount', change: 'type changed from string to number' }],
      consumers: [
        {
          consumer: 'ledger',
          reason:
            'ledger reads /data/amount as a 2-decimal string; the schema of TransactionRecorded v1 makes it a number',
        },
      ],
    });
    expect(renderSchemaChanges(changes)).toContain(
      'released example #1 (event 5b0f4c1e-8d2a-4b8e-9a57-0c6a1f3e2d10): /data/amount must be number',
    );
  });

  it('need a new version when a field no consumer reads goes: the archive holds events with it', () => {
    const change = transactionRecorded(
      classify(
        editingTransactionRecorded((s) => {
          delete data(s).properties.customerAddress;
          data(s).required = data(s).required!.filter((f) => f !== 'customerAddress');
        }),
      ),
    );

    expect(change).toMatchObject({ kind: 'breaking', consumers: [] });
    expect(change?.kind === 'breaking' && change.unreadable.map((u) => u.issues)).toEqual(
      [1, 2, 3].map(() => [
        { path: '/data/customerAddress', message: 'is not allowed by the schema' },
      ]),
    );
  });

  it('call a new optional field compatible, to be released by copying it', () => {
    const changes = classify(
      editingTransactionRecorded((s) => {
        data(s).properties.channel = { type: 'string' } as Schema;
      }),
    );

    expect(transactionRecorded(changes)).toEqual(
      expect.objectContaining({
        kind: 'compatible',
        changed: ['added /properties/data/properties/channel'],
      }),
    );
    expect(changes.some(needsNewVersion)).toBe(false);
  });

  it('call a breaking change made as a new version a new version, naming consumers not ready for it', () => {
    const v1 = schemas.find((c) => c.detailType === 'TransactionRecorded')!;
    const schema = structuredClone(v1.schema) as Schema;
    schema.id = 'https://txnflow.example/contracts/TransactionRecorded/v2.json';
    schema.properties.metadata!.properties.schemaVersion!.enum = ['2'];
    data(schema).properties.currency = { type: 'string' } as Schema;
    data(schema).required!.push('currency');
    schema.examples = [];
    const changes = classify([...schemas, { ...v1, version: '2', schema }], {
      ...CURRENT_VERSION,
      TransactionRecorded: '2',
    });

    expect(changes.some(needsNewVersion)).toBe(false);
    expect(changes.find((c) => c.kind === 'new-version')).toMatchObject({
      previous: '1',
      changes: expect.arrayContaining([
        { path: '/data/currency', change: 'newly required: released events lack it' },
      ]),
      consumers: [
        {
          consumer: 'ledger',
          reason:
            'ledger does not accept TransactionRecorded v2, which producers publish now (it accepts v1)',
        },
      ],
    });
  });

  it('need a new version when a released schema is gone from schemas/', () => {
    const changes = classify(schemas.filter((c) => c.detailType !== 'HighBalanceDetected'));

    expect(changes.filter(needsNewVersion)).toEqual([
      { kind: 'removed', released: expect.objectContaining({ detailType: 'HighBalanceDetected' }) },
    ]);
  });
});
