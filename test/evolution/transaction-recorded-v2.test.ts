import { alertingConsumes } from '@txnflow/alerting';
import {
  type ConsumerEdge,
  CURRENT_VERSION,
  classifySchemaChanges,
  eventContracts,
  needsNewVersion,
  type SchemaChange,
  toRegistrySchema,
  verifyConsumers,
} from '@txnflow/contracts';
import { RecordingPublisher } from '@txnflow/contracts/testing';
import { ledgerConsumes, makeTransactionRecordedHandler, SqliteLedgerStore } from '@txnflow/ledger';
import { App, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { SQSRecord } from 'aws-lambda';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { BusStack } from '../../infra/cdk/stacks/bus-stack.ts';
import {
  contractsAfterSwitch,
  contractsWithV2,
  ledgerConsumesV2,
  ledgerEdgeV2,
  transactionRecordedV2,
} from './transaction-recorded-v2.ts';

type Json = Record<string, unknown>;

const v1 = eventContracts.find((c) => c.detailType === 'TransactionRecorded')!;
const examplesOf = (schema: object) => (schema as { examples: Json[] }).examples;

function sqsRecords(details: readonly Json[]): SQSRecord[] {
  return details.map((detail, i) => {
    const event = {
      version: '0',
      id: `envelope-${i}`,
      'detail-type': 'TransactionRecorded',
      source: 'txnflow.ingest',
      detail,
    };
    return { messageId: `m${i}`, body: JSON.stringify(event) } as SQSRecord;
  });
}

/** The ledger's handler on a fresh store, reading through `edge`. */
function ledgerWith(edge: ConsumerEdge<'TransactionRecorded'>) {
  const store = new SqliteLedgerStore(new Database(':memory:'));
  const deadLetters: string[] = [];
  const handler = makeTransactionRecordedHandler({
    store,
    publisher: new RecordingPublisher(),
    deadLetters: { send: async (_body, reason) => void deadLetters.push(reason) },
    config: { thresholdCents: 150_000 },
    log: { info() {}, warn() {}, error() {} },
    edge,
  });
  return { handler, store, deadLetters };
}

describe('TransactionRecorded v2 (a fixture), rolled out beside v1', () => {
  it('had to be a new version: made in place, it would break the archive of v1 events', () => {
    // v2's change made to v1 itself: the same schema, its id and version v1's.
    const schema = structuredClone(transactionRecordedV2.schema) as Json & {
      properties: { metadata: { properties: { schemaVersion: { enum: string[] } } } };
    };
    schema.id = v1.schema.id;
    schema.properties.metadata.properties.schemaVersion.enum = ['1'];
    const inPlace = { ...v1, schema };
    const sources = {
      released: eventContracts,
      current: CURRENT_VERSION,
      consumers: [ledgerConsumes],
    };

    const asNewVersion = classifySchemaChanges({
      ...sources,
      contracts: [...eventContracts, transactionRecordedV2],
    });
    const changedInPlace = classifySchemaChanges({
      ...sources,
      contracts: eventContracts.map((c) => (c === v1 ? inPlace : c)),
    });

    expect(asNewVersion.some(needsNewVersion)).toBe(false);
    expect(asNewVersion.find((c) => c.kind === 'new-version')).toMatchObject({
      changes: [{ path: '/data/currency', change: 'newly required: released events lack it' }],
    });
    const breaking = changedInPlace.find(
      (c): c is Extract<SchemaChange, { kind: 'breaking' }> => c.kind === 'breaking',
    );
    expect(breaking).toMatchObject({
      changes: [{ path: '/data/currency', change: 'newly required: released events lack it' }],
      consumers: [],
    });
    expect(breaking?.unreadable.map((u) => u.issues)).toEqual(
      [1, 2, 3].map(() => [{ path: '/data/currency', message: 'is required' }]),
    );
  });

  it("is refused by the producer's check while the ledger accepts only v1, and passes once the ledger's v2 contract is published", () => {
    expect(verifyConsumers([ledgerConsumes, alertingConsumes], contractsWithV2)).toEqual([]);
    expect(
      verifyConsumers([ledgerConsumes, alertingConsumes], contractsAfterSwitch).map(
        (b) => b.reason,
      ),
    ).toEqual([
      'ledger does not accept TransactionRecorded v2, which producers publish now (it accepts v1)',
    ]);

    expect(verifyConsumers([ledgerConsumesV2, alertingConsumes], contractsAfterSwitch)).toEqual([]);
  });

  it('is read by the ledger as v2 is, and v1 upcast to it; the same transactions give the same balances', async () => {
    const fromV1 = ledgerWith(ledgerEdgeV2());
    const fromV2 = ledgerWith(ledgerEdgeV2());

    await fromV1.handler({ Records: sqsRecords(examplesOf(v1.schema)) });
    await fromV2.handler({ Records: sqsRecords(examplesOf(transactionRecordedV2.schema)) });

    expect(fromV1.deadLetters).toEqual([]);
    expect(fromV2.deadLetters).toEqual([]);
    expect(await fromV1.store.listBalancesAsStored()).toEqual([
      { customerId: 'C1', balance: '125.40' },
      { customerId: 'C2', balance: '385.00' },
    ]);
    expect(await fromV2.store.listBalancesAsStored()).toEqual(
      await fromV1.store.listBalancesAsStored(),
    );
  });

  it('applies a transaction once whether it arrives as v1 or v2', async () => {
    const ledger = ledgerWith(ledgerEdgeV2());

    await ledger.handler({ Records: sqsRecords(examplesOf(v1.schema)) });
    const response = await ledger.handler({
      Records: sqsRecords(examplesOf(transactionRecordedV2.schema)),
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await ledger.store.listBalancesAsStored()).toEqual([
      { customerId: 'C1', balance: '125.40' },
      { customerId: 'C2', balance: '385.00' },
    ]);
  });

  it('dead-letters a v2 transaction in another currency than the books, naming it', async () => {
    const ledger = ledgerWith(ledgerEdgeV2());
    const [example] = examplesOf(transactionRecordedV2.schema);
    const inEuros = { ...example, data: { ...(example?.data as Json), currency: 'EUR' } };

    await ledger.handler({ Records: sqsRecords([inEuros]) });

    expect(ledger.deadLetters).toEqual([
      'contract validation failed: /detail/data/currency the ledger keeps its books in GBP; this transaction is in EUR',
    ]);
  });

  it('is dead-lettered by the ledger of before, which takes v1 alone: consumers go first', async () => {
    const shipped = makeTransactionRecordedHandler({
      store: new SqliteLedgerStore(new Database(':memory:')),
      publisher: new RecordingPublisher(),
      deadLetters: { send: async (_body, reason) => void reasons.push(reason) },
      config: { thresholdCents: 150_000 },
      log: { info() {}, warn() {}, error() {} },
    });
    const reasons: string[] = [];

    await shipped({ Records: sqsRecords(examplesOf(transactionRecordedV2.schema).slice(0, 1)) });

    expect(reasons).toEqual([
      'contract validation failed: /detail/metadata/schemaVersion ledger accepts TransactionRecorded v1; this event is v2',
    ]);
  });

  it('is registered beside v1 in the schema registry of the bus stack', () => {
    const stack = new BusStack(new App(), 'txnflow-test-bus', {
      stage: 'test',
      archiveRetention: Duration.days(30),
      publishers: [],
      contracts: contractsAfterSwitch.contracts,
    });

    const schemas = Object.values(
      Template.fromStack(stack).findResources('AWS::EventSchemas::Schema'),
    )
      .map((r) => r.Properties as Json)
      .filter((p) => String(p.SchemaName).includes('TransactionRecorded'));

    expect(schemas.map((p) => p.SchemaName).sort()).toEqual([
      'txnflow.ingest@TransactionRecorded-v1',
      'txnflow.ingest@TransactionRecorded-v2',
    ]);
    expect(
      JSON.parse(String(schemas.find((p) => String(p.SchemaName).endsWith('v2'))?.Content)),
    ).toEqual(toRegistrySchema(transactionRecordedV2));
  });
});
