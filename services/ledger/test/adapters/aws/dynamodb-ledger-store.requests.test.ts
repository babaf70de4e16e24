import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbLedgerStore } from '../../../src/adapters/aws/dynamodb-ledger-store.ts';
import { LedgerStoreError } from '../../../src/domain/errors.ts';
import { chainOf, ledgerEntry } from '../../support/factories.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const tables = { transactionTotal: 'TransactionTotal-1', ledgerEntries: 'LedgerEntries-1' };
const store = () =>
  new DynamoDbLedgerStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), tables);

const canceled = (...codes: string[]) =>
  new TransactionCanceledException({
    message: 'Transaction cancelled',
    $metadata: {},
    CancellationReasons: codes.map((Code) => ({ Code })),
  });

describe('Class: DynamoDbLedgerStore (requests)', () => {
  beforeEach(() => {
    dynamo.reset();
  });

  describe('Method: read', () => {
    it('reads balances and the batch entries with one strongly consistent BatchGetItem', async () => {
      dynamo.on(BatchGetCommand).resolves({
        Responses: {
          'TransactionTotal-1': [{ customerId: 'C1', balanceCents: 300, version: 2 }],
          'LedgerEntries-1': [ledgerEntry({ transactionId: 'T2' })],
        },
      });

      const read = await store().read([
        { customerId: 'C1', transactionIds: ['T2', 'T3'] },
        { customerId: 'C2', transactionIds: ['T1'] },
      ]);

      expect(dynamo.commandCalls(BatchGetCommand).map((c) => c.args[0].input)).toEqual([
        {
          RequestItems: {
            'TransactionTotal-1': {
              Keys: [{ customerId: 'C1' }, { customerId: 'C2' }],
              ConsistentRead: true,
            },
            'LedgerEntries-1': {
              Keys: [
                { customerId: 'C1', transactionId: 'T2' },
                { customerId: 'C1', transactionId: 'T3' },
                { customerId: 'C2', transactionId: 'T1' },
              ],
              ConsistentRead: true,
            },
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

    it('splits over 100 keys into several calls', async () => {
      dynamo.on(BatchGetCommand).resolves({});
      const transactionIds = Array.from({ length: 150 }, (_v, i) => `T${i}`);

      await store().read([{ customerId: 'C1', transactionIds }]);

      const sizes = dynamo
        .commandCalls(BatchGetCommand)
        .map((c) =>
          Object.values(c.args[0].input.RequestItems ?? {}).reduce(
            (n, r) => n + (r.Keys?.length ?? 0),
            0,
          ),
        );
      expect(sizes).toEqual([100, 51]);
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
      const patient = new DynamoDbLedgerStore(
        DynamoDBDocumentClient.from(new DynamoDBClient({})),
        tables,
        {
          sleep: async (ms) => void slept.push(ms),
        },
      );

      const read = await patient.read([{ customerId: 'C1', transactionIds: [] }]);

      expect(read.get('C1')?.balance.cents).toBe(7);
      expect(slept).toHaveLength(1);
      dynamo.reset();
      dynamo.on(BatchGetCommand).resolves(unprocessed);
      const stubborn = new DynamoDbLedgerStore(
        DynamoDBDocumentClient.from(new DynamoDBClient({})),
        tables,
        {
          sleep: async () => {},
          maxReadAttempts: 3,
        },
      );
      await expect(stubborn.read([{ customerId: 'C1', transactionIds: [] }])).rejects.toThrowError(
        LedgerStoreError,
      );
      expect(dynamo.commandCalls(BatchGetCommand)).toHaveLength(3);
    });
  });

  describe('Method: commit', () => {
    it("writes a customer's entries only if new and the balance only at the version read, in one transaction", async () => {
      dynamo.on(TransactWriteCommand).resolves({});
      const entries = chainOf('C1', [100, 250], { from: { cents: 50, version: 3 } });

      const results = await store().commit([{ customerId: 'C1', expectedVersion: 3, entries }]);

      expect(results).toEqual([{ status: 'committed' }]);
      const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems;
      expect(items?.map((item) => item.Put ?? item.Update)).toEqual([
        {
          TableName: 'LedgerEntries-1',
          Item: entries[0],
          ConditionExpression: 'attribute_not_exists(transactionId)',
        },
        {
          TableName: 'LedgerEntries-1',
          Item: entries[1],
          ConditionExpression: 'attribute_not_exists(transactionId)',
        },
        {
          TableName: 'TransactionTotal-1',
          Key: { customerId: 'C1' },
          UpdateExpression: 'SET balanceCents = :after, version = :next',
          ConditionExpression: 'version = :expected',
          ExpressionAttributeValues: { ':after': 400, ':next': 5, ':expected': 3 },
        },
      ]);
    });

    it('creates the balance of a customer never seen, only if nobody did meanwhile', async () => {
      dynamo.on(TransactWriteCommand).resolves({});

      await store().commit([
        { customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [10_000, 5]) },
      ]);

      const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems;
      expect(items?.at(-1)?.Put).toEqual({
        TableName: 'TransactionTotal-1',
        Item: { customerId: 'C1', balanceCents: 10_005, version: 2 },
        ConditionExpression: 'attribute_not_exists(customerId)',
      });
    });

    it('writes a long chain in parts of 99 entries, each part expecting the version the previous set', async () => {
      dynamo.on(TransactWriteCommand).resolves({});
      const entries = chainOf(
        'C1',
        Array.from({ length: 250 }, () => 1),
      );

      await store().commit([{ customerId: 'C1', expectedVersion: 0, entries }]);

      const parts = dynamo
        .commandCalls(TransactWriteCommand)
        .map((c) => c.args[0].input.TransactItems ?? []);
      expect(parts.map((items) => items.length)).toEqual([100, 100, 53]);
      expect(
        parts.map(
          (items) => items.at(-1)?.Put?.Item ?? items.at(-1)?.Update?.ExpressionAttributeValues,
        ),
      ).toEqual([
        { customerId: 'C1', balanceCents: 99, version: 99 },
        { ':after': 198, ':next': 198, ':expected': 99 },
        { ':after': 250, ':next': 250, ':expected': 198 },
      ]);
    });

    it('stops at the first part that conflicts and says how many entries did commit', async () => {
      dynamo
        .on(TransactWriteCommand)
        .resolvesOnce({})
        .rejects(canceled(...Array(99).fill('None'), 'ConditionalCheckFailed'));
      const entries = chainOf(
        'C1',
        Array.from({ length: 250 }, () => 1),
      );

      const results = await store().commit([{ customerId: 'C1', expectedVersion: 0, entries }]);

      expect(results).toEqual([{ status: 'conflict', committedEntries: 99 }]);
      expect(dynamo.commandCalls(TransactWriteCommand)).toHaveLength(2);
    });

    it.each([
      [['ConditionalCheckFailed', 'None']],
      [['None', 'ConditionalCheckFailed']],
      [['ConditionalCheckFailed', 'ConditionalCheckFailed']],
      [['TransactionConflict', 'None']],
      [['None', 'TransactionConflict']],
    ])('reads cancellation reasons %j as a conflict: read again and plan again', async (codes) => {
      dynamo.on(TransactWriteCommand).rejects(canceled(...codes));

      expect(
        await store().commit([{ customerId: 'C1', expectedVersion: 1, entries: [ledgerEntry()] }]),
      ).toEqual([{ status: 'conflict', committedEntries: 0 }]);
    });

    it('reports a cancellation it cannot explain, such as a validation error, as failed with the error', async () => {
      const error = canceled('ValidationError', 'None');
      dynamo.on(TransactWriteCommand).rejects(error);

      const [result] = await store().commit([
        { customerId: 'C1', expectedVersion: 1, entries: [ledgerEntry()] },
      ]);

      expect(result).toMatchObject({ status: 'failed', committedEntries: 0 });
      expect(result?.status === 'failed' && result.error).toBeInstanceOf(
        TransactionCanceledException,
      );
    });

    it("fails only that customer's commit on other errors, such as throttling after the client gave up", async () => {
      dynamo
        .on(TransactWriteCommand)
        .rejectsOnce(new Error('ProvisionedThroughputExceeded'))
        .resolves({});

      const results = await store().commit([
        { customerId: 'C1', expectedVersion: 1, entries: [ledgerEntry()] },
        { customerId: 'C2', expectedVersion: 0, entries: chainOf('C2', [5]) },
      ]);

      expect(results.map((r) => r.status)).toEqual(['failed', 'committed']);
    });
  });

  describe('Method: markAlertPublished', () => {
    it('sets the flag only on an existing entry', async () => {
      dynamo.on(UpdateCommand).resolves({});

      await store().markAlertPublished('C1', 'T1');

      expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toMatchObject({
        TableName: 'LedgerEntries-1',
        Key: { customerId: 'C1', transactionId: 'T1' },
        ConditionExpression: 'attribute_exists(transactionId)',
      });
    });
  });
});
