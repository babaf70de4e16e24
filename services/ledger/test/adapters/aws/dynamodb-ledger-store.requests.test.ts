import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbLedgerStore } from '../../../src/adapters/aws/dynamodb-ledger-store.ts';
import { toPendingTuple } from '../../../src/adapters/aws/pending-entries.ts';
import { LedgerStoreError } from '../../../src/domain/errors.ts';
import { chainOf, ledgerEntry } from '../../support/factories.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const tables = { transactionTotal: 'TransactionTotal-1', ledgerEntries: 'LedgerEntries-1' };
const client = () => DynamoDBDocumentClient.from(new DynamoDBClient({}));
const store = (options = {}) => new DynamoDbLedgerStore(client(), tables, options);

const conditionFailed = () =>
  new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });

type BatchGetInput = {
  RequestItems?: Record<string, { Keys?: unknown[]; ConsistentRead?: boolean }>;
};
const batchGets = () =>
  dynamo.commandCalls(BatchGetCommand).map((c) => (c.args[0].input as BatchGetInput).RequestItems);

/** Answers BatchGetItem from two tables' items, as DynamoDB would (missing items absent). */
function tablesHolding(items: {
  totals?: Record<string, unknown>[];
  entries?: Record<string, unknown>[];
}) {
  dynamo.on(BatchGetCommand).callsFake((input: BatchGetInput) => {
    const [table, request] = Object.entries(input.RequestItems ?? {})[0] ?? [];
    const keys = (request?.Keys ?? []) as Record<string, string>[];
    const pool = table === tables.transactionTotal ? (items.totals ?? []) : (items.entries ?? []);
    const found = pool.filter((item) =>
      keys.some((key) => Object.entries(key).every(([name, value]) => item[name] === value)),
    );
    return { Responses: { [table ?? '']: found } };
  });
}

describe('Class: DynamoDbLedgerStore (requests)', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(UpdateCommand).resolves({});
    dynamo.on(PutCommand).resolves({});
  });

  describe('Method: read', () => {
    it('reads balances eventually consistent, then the batch entries strongly, each table in its own BatchGetItem', async () => {
      tablesHolding({
        totals: [{ customerId: 'C1', balanceCents: 300, version: 2 }],
        entries: [{ ...ledgerEntry({ transactionId: 'T2' }) }],
      });

      const read = await store().read([
        { customerId: 'C1', transactionIds: ['T2', 'T3'] },
        { customerId: 'C2', transactionIds: ['T1'] },
      ]);

      expect(batchGets()).toEqual([
        { 'TransactionTotal-1': { Keys: [{ customerId: 'C1' }, { customerId: 'C2' }] } },
        {
          'LedgerEntries-1': {
            Keys: [
              { customerId: 'C1', transactionId: 'T2' },
              { customerId: 'C1', transactionId: 'T3' },
              { customerId: 'C2', transactionId: 'T1' },
            ],
            ConsistentRead: true,
          },
        },
      ]);
      expect(read.get('C1')?.balance).toEqual({ customerId: 'C1', cents: 300, version: 2 });
      expect([...(read.get('C1')?.applied.keys() ?? [])]).toEqual(['T2']);
      expect(read.get('C2')).toEqual({
        balance: { customerId: 'C2', cents: 0, version: 0 },
        applied: new Map(),
      });
    });

    it("counts a transaction in the balance's pending entries as applied", async () => {
      const [t1] = chainOf('C1', [500]);
      tablesHolding({
        totals: [
          { customerId: 'C1', balanceCents: 500, version: 1, pending: [toPendingTuple(t1!)] },
        ],
        entries: [{ ...t1 }],
      });

      const read = await store().read([{ customerId: 'C1', transactionIds: ['T1'] }]);

      expect(read.get('C1')?.applied.get('T1')).toEqual(t1);
    });

    it("checks, eventually consistent, that a balance's last pending entry is an item, and else writes the commit's entries, the last one last, never overwriting", async () => {
      const [t1, t2] = chainOf('C1', [500, 700]);
      tablesHolding({
        totals: [
          {
            customerId: 'C1',
            balanceCents: 1_200,
            version: 2,
            pending: [t1, t2].map((e) => toPendingTuple(e!)),
          },
        ],
        entries: [{ ...t1 }],
      });

      await store().read([{ customerId: 'C1', transactionIds: ['T9'] }]);

      expect(batchGets()[2]).toEqual({
        'LedgerEntries-1': { Keys: [{ customerId: 'C1', transactionId: 'T2' }] },
      });
      expect(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input)).toEqual(
        [t1, t2].map((entry) => ({
          TableName: 'LedgerEntries-1',
          Item: entry,
          ConditionExpression: 'attribute_not_exists(transactionId)',
        })),
      );
    });

    it('reads nothing more when the last pending entry is among the entries the batch asked for', async () => {
      const [t1] = chainOf('C1', [500]);
      tablesHolding({
        totals: [
          { customerId: 'C1', balanceCents: 500, version: 1, pending: [toPendingTuple(t1!)] },
        ],
        entries: [{ ...t1 }],
      });

      await store().read([{ customerId: 'C1', transactionIds: ['T1'] }]);

      expect(batchGets()).toHaveLength(2);
      expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    });

    it('splits over 100 keys into several calls', async () => {
      dynamo.on(BatchGetCommand).resolves({});
      const transactionIds = Array.from({ length: 150 }, (_v, i) => `T${i}`);

      await store().read([{ customerId: 'C1', transactionIds }]);

      const sizes = batchGets().map((r) => Object.values(r ?? {})[0]?.Keys?.length);
      expect(sizes).toEqual([1, 100, 50]);
    });

    it('sends back unprocessed keys with backoff, and gives up with a typed error', async () => {
      const unprocessed = {
        UnprocessedKeys: { 'TransactionTotal-1': { Keys: [{ customerId: 'C1' }] } },
      };
      dynamo
        .on(BatchGetCommand)
        .resolvesOnce(unprocessed)
        .resolves({
          Responses: { 'TransactionTotal-1': [{ customerId: 'C1', balanceCents: 7, version: 1 }] },
        });
      const slept: number[] = [];

      const read = await store({ sleep: async (ms: number) => void slept.push(ms) }).read([
        { customerId: 'C1', transactionIds: [] },
      ]);

      expect(read.get('C1')?.balance.cents).toBe(7);
      expect(slept).toHaveLength(1);
      dynamo.reset();
      dynamo.on(BatchGetCommand).resolves(unprocessed);
      const stubborn = store({ sleep: async () => {}, maxReadAttempts: 3 });
      await expect(stubborn.read([{ customerId: 'C1', transactionIds: [] }])).rejects.toThrowError(
        LedgerStoreError,
      );
      expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(3);
    });
  });

  describe('Method: commit', () => {
    it('commits with one conditional update of the balance holding the entries as pending, then puts each entry only if new, and no transaction', async () => {
      tablesHolding({ totals: [{ customerId: 'C1', balanceCents: 50, version: 3 }] });
      const reader = store();
      await reader.read([{ customerId: 'C1', transactionIds: ['T1', 'T2'] }]);
      dynamo.resetHistory();
      const entries = chainOf('C1', [100, 250], { from: { cents: 50, version: 3 } });

      const results = await reader.commit([{ customerId: 'C1', expectedVersion: 3, entries }]);

      expect(results).toEqual([{ status: 'committed' }]);
      expect(dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input)).toEqual([
        {
          TableName: 'TransactionTotal-1',
          Key: { customerId: 'C1' },
          // `listing` keeps the balance in the table's Listing index (balances listed by Query).
          UpdateExpression:
            'SET balanceCents = :after, version = :next, pending = :pending, #listing = :listing',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeNames: { '#listing': 'listing' },
          ExpressionAttributeValues: {
            ':after': 400,
            ':next': 5,
            ':pending': entries.map(toPendingTuple),
            ':listing': 'TransactionTotal',
            ':expected': 3,
          },
        },
      ]);
      expect(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input)).toEqual(
        entries.map((entry) => ({
          TableName: 'LedgerEntries-1',
          Item: entry,
          ConditionExpression: 'attribute_not_exists(transactionId)',
        })),
      );
      expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(0);
      expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(0);
    });

    it('creates the balance of a customer never seen, only if nobody did meanwhile', async () => {
      tablesHolding({});
      const reader = store();
      await reader.read([{ customerId: 'C1', transactionIds: ['T1', 'T2'] }]);

      await reader.commit([
        { customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [10_000, 5]) },
      ]);

      expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
        Key: { customerId: 'C1' },
        ConditionExpression: 'attribute_not_exists(customerId)',
        ExpressionAttributeValues: { ':after': 10_005, ':next': 2 },
      });
    });

    it('reads the customer itself, strongly, when no read of this store vouches for the commit', async () => {
      tablesHolding({ totals: [{ customerId: 'C1', balanceCents: 50, version: 3 }] });
      const entries = chainOf('C1', [100], { from: { cents: 50, version: 3 }, firstId: 4 });

      const results = await store().commit([{ customerId: 'C1', expectedVersion: 3, entries }]);

      expect(results).toEqual([{ status: 'committed' }]);
      expect(batchGets()).toEqual([
        { 'TransactionTotal-1': { Keys: [{ customerId: 'C1' }], ConsistentRead: true } },
        {
          'LedgerEntries-1': {
            Keys: [{ customerId: 'C1', transactionId: 'T4' }],
            ConsistentRead: true,
          },
        },
      ]);
    });

    it('refuses, writing nothing, a commit whose own read finds the balance moved or an entry applied', async () => {
      tablesHolding({
        totals: [{ customerId: 'C1', balanceCents: 50, version: 4 }],
        entries: [{ ...ledgerEntry({ transactionId: 'T1', version: 1 }) }],
      });

      const results = await store().commit([
        { customerId: 'C1', expectedVersion: 3, entries: chainOf('C1', [1], { firstId: 9 }) },
        { customerId: 'C1', expectedVersion: 4, entries: chainOf('C1', [1]) },
      ]);

      expect(results).toEqual([
        { status: 'conflict', committedEntries: 0 },
        { status: 'conflict', committedEntries: 0 },
      ]);
      expect(dynamo.commandCalls(UpdateCommand)).toHaveLength(0);
      expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    });

    it('reads a failed version condition as a conflict: read again and plan again', async () => {
      tablesHolding({ totals: [{ customerId: 'C1', balanceCents: 50, version: 1 }] });
      dynamo.on(UpdateCommand).rejects(conditionFailed());
      const reader = store();
      await reader.read([{ customerId: 'C1', transactionIds: ['T2'] }]);

      const results = await reader.commit([
        { customerId: 'C1', expectedVersion: 1, entries: chainOf('C1', [5], { firstId: 2 }) },
      ]);

      expect(results).toEqual([{ status: 'conflict', committedEntries: 0 }]);
      expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    });

    it('writes a long chain in parts, each part written as items before the next is committed on the version it set', async () => {
      tablesHolding({});
      const entries = chainOf(
        'C1',
        Array.from({ length: 250 }, () => 1),
      );
      const reader = store({ maxEntriesPerCommit: 100 });
      await reader.read([
        { customerId: 'C1', transactionIds: entries.map((e) => e.transactionId) },
      ]);
      dynamo.resetHistory();

      await reader.commit([{ customerId: 'C1', expectedVersion: 0, entries }]);

      const sent = dynamo.calls().map((c) => c.args[0]);
      const updates = sent.flatMap((command, i) => (command instanceof UpdateCommand ? [i] : []));
      expect(updates).toEqual([0, 101, 202]);
      expect(
        dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input.ExpressionAttributeValues),
      ).toMatchObject([
        { ':after': 100, ':next': 100 },
        { ':after': 200, ':next': 200, ':expected': 100 },
        { ':after': 250, ':next': 250, ':expected': 200 },
      ]);
    });

    it('stops at the first part that conflicts and says how many entries did commit', async () => {
      tablesHolding({});
      dynamo.on(UpdateCommand).resolvesOnce({}).rejects(conditionFailed());
      const entries = chainOf(
        'C1',
        Array.from({ length: 250 }, () => 1),
      );
      const reader = store({ maxEntriesPerCommit: 100 });
      await reader.read([
        { customerId: 'C1', transactionIds: entries.map((e) => e.transactionId) },
      ]);

      const results = await reader.commit([{ customerId: 'C1', expectedVersion: 0, entries }]);

      expect(results).toEqual([{ status: 'conflict', committedEntries: 100 }]);
    });

    it('reports entries committed but not written as items as failed, with how many committed', async () => {
      tablesHolding({});
      const crash = new Error('connection reset');
      dynamo.on(PutCommand).rejects(crash);
      const reader = store();
      await reader.read([{ customerId: 'C1', transactionIds: ['T1', 'T2'] }]);

      const results = await reader.commit([
        { customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [1, 2]) },
      ]);

      expect(results).toEqual([{ status: 'failed', committedEntries: 2, error: crash }]);
    });

    it("fails only that customer's commit on other errors, such as throttling after the client gave up", async () => {
      tablesHolding({});
      dynamo.on(UpdateCommand).rejectsOnce(new Error('ProvisionedThroughputExceeded')).resolves({});
      const reader = store({ concurrency: 1 });
      await reader.read([
        { customerId: 'C1', transactionIds: ['T1'] },
        { customerId: 'C2', transactionIds: ['T1'] },
      ]);

      const results = await reader.commit([
        { customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [1]) },
        { customerId: 'C2', expectedVersion: 0, entries: chainOf('C2', [5]) },
      ]);

      expect(results.map((r) => r.status)).toEqual(['failed', 'committed']);
    });
  });

  describe('Method: markAlertPublished', () => {
    it('sets the flag only on an existing entry', async () => {
      await store().markAlertPublished('C1', 'T1');

      expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
        TableName: 'LedgerEntries-1',
        Key: { customerId: 'C1', transactionId: 'T1' },
        ConditionExpression: 'attribute_exists(transactionId)',
      });
    });

    it('writes a pending entry a crash left unwritten, flagged, when its alert is marked', async () => {
      const crossing = ledgerEntry({ balanceAfterCents: 150_000, crossedThreshold: true });
      dynamo.on(UpdateCommand).rejects(conditionFailed());
      dynamo.on(GetCommand).resolves({
        Item: {
          customerId: 'C1',
          balanceCents: 150_000,
          version: 1,
          pending: [toPendingTuple(crossing)],
        },
      });

      await store().markAlertPublished('C1', 'T1');

      expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
        ConsistentRead: true,
      });
      expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
        TableName: 'LedgerEntries-1',
        Item: { ...crossing, alertPublished: true },
        ConditionExpression: 'attribute_not_exists(transactionId)',
      });
    });

    it('writes nothing for a transaction neither written nor pending', async () => {
      dynamo.on(UpdateCommand).rejects(conditionFailed());
      dynamo.on(GetCommand).resolves({ Item: { customerId: 'C1', balanceCents: 0, version: 0 } });

      await store().markAlertPublished('C1', 'T404');

      expect(dynamo.commandCalls(PutCommand)).toHaveLength(0);
    });
  });
});
