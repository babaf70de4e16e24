import { DynamoDBClient, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { DynamoDbLedgerStore } from '../../../src/adapters/aws/dynamodb-ledger-store.ts';
import { ledgerEntry } from '../../support/factories.ts';

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

  describe('Method: load', () => {
    it('reads the balance and the entry with strongly consistent reads', async () => {
      dynamo.on(GetCommand).resolves({});

      await store().load('C1', 'T1');

      expect(dynamo.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual([
        { TableName: 'TransactionTotal-1', Key: { customerId: 'C1' }, ConsistentRead: true },
        {
          TableName: 'LedgerEntries-1',
          Key: { customerId: 'C1', transactionId: 'T1' },
          ConsistentRead: true,
        },
      ]);
    });
  });

  describe('Method: apply', () => {
    it('puts the entry if new and updates the balance only at the expected version', async () => {
      dynamo.on(TransactWriteCommand).resolves({});
      const entry = ledgerEntry({ balanceBeforeCents: 100, balanceAfterCents: 10_100 });

      expect(await store().apply(entry, 3)).toBe('applied');

      const [put, update] =
        dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems ?? [];
      expect(put?.Put).toEqual({
        TableName: 'LedgerEntries-1',
        Item: entry,
        ConditionExpression: 'attribute_not_exists(transactionId)',
      });
      expect(update?.Update).toMatchObject({
        TableName: 'TransactionTotal-1',
        Key: { customerId: 'C1' },
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: { ':after': 10_100, ':next': 4, ':expected': 3 },
      });
    });

    it('creates the balance of a customer never seen, only if nobody did meanwhile', async () => {
      dynamo.on(TransactWriteCommand).resolves({});

      await store().apply(ledgerEntry(), 0);

      const items = dynamo.commandCalls(TransactWriteCommand)[0]?.args[0].input.TransactItems;
      expect(items?.[1]?.Put).toEqual({
        TableName: 'TransactionTotal-1',
        Item: { customerId: 'C1', balanceCents: 10_000, version: 1 },
        ConditionExpression: 'attribute_not_exists(customerId)',
      });
    });

    it.each([
      [['ConditionalCheckFailed', 'None'], 'duplicate'],
      [['ConditionalCheckFailed', 'ConditionalCheckFailed'], 'duplicate'],
      [['None', 'ConditionalCheckFailed'], 'stale-balance'],
      [['TransactionConflict', 'None'], 'stale-balance'],
      [['None', 'TransactionConflict'], 'stale-balance'],
    ])('reads cancellation reasons %j as %s', async (codes, expected) => {
      dynamo.on(TransactWriteCommand).rejects(canceled(...codes));

      expect(await store().apply(ledgerEntry(), 1)).toBe(expected);
    });

    it('throws a cancellation it cannot explain, such as a validation error', async () => {
      dynamo.on(TransactWriteCommand).rejects(canceled('ValidationError', 'None'));

      await expect(store().apply(ledgerEntry(), 1)).rejects.toThrowError(
        TransactionCanceledException,
      );
    });

    it('throws other errors, such as throttling after the client gave up', async () => {
      dynamo.on(TransactWriteCommand).rejects(new Error('ProvisionedThroughputExceeded'));

      await expect(store().apply(ledgerEntry(), 1)).rejects.toThrowError(
        'ProvisionedThroughputExceeded',
      );
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
