import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UnprocessedItemsError } from '../../../src/adapters/aws/batch-put-items.ts';
import { DynamoDbIngestStore } from '../../../src/adapters/aws/dynamodb-ingest-store.ts';
import { row } from '../../support/fakes.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const tables = { customer: 'Customer-1', transactions: 'Transactions-1' };
const noWait = { sleep: async () => {} };
const store = (maxAttempts = 8) =>
  new DynamoDbIngestStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), tables, {
    batchPut: { ...noWait, maxAttempts },
  });

const customerPut = (customerId: string, address: string) => ({
  PutRequest: { Item: { customerId, address } },
});

describe('Class: DynamoDbIngestStore (requests)', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(PutCommand).resolves({});
    dynamo.on(BatchWriteCommand).resolves({});
  });

  describe('Method: recordBatch', () => {
    it('puts each transaction only if its key is new, tagged with the upload and line', async () => {
      await store().recordBatch([row({ line: 7 })], 'upload-1');

      expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
        TableName: 'Transactions-1',
        Item: {
          customerId: 'C1',
          transactionId: 'T1',
          transactionDate: '2023-03-01',
          amountCents: 12_540,
          published: false,
          uploadId: 'upload-1',
          uploadLine: 7,
        },
        ConditionExpression: 'attribute_not_exists(transactionId)',
      });
    });

    it('reads the existing item with a consistent read when the key is taken', async () => {
      dynamo
        .on(PutCommand)
        .rejects(new ConditionalCheckFailedException({ message: 'taken', $metadata: {} }));
      dynamo.on(GetCommand).resolves({
        Item: {
          customerId: 'C1',
          transactionId: 'T1',
          transactionDate: '2023-03-01',
          amountCents: 1,
          published: true,
          uploadId: 'upload-0',
          uploadLine: 2,
        },
      });

      const outcomes = await store().recordBatch([row()], 'upload-1');

      expect(outcomes).toEqual([
        { kind: 'conflict', existing: { transactionDate: '2023-03-01', amountCents: 1 } },
      ]);
      expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toMatchObject({
        Key: { customerId: 'C1', transactionId: 'T1' },
        ConsistentRead: true,
      });
      expect(dynamo.commandCalls(BatchWriteCommand)).toHaveLength(0);
    });

    it('puts the customers of accepted rows in BatchWriteItem calls of 25, the latest address winning', async () => {
      const rows = Array.from({ length: 30 }, (_, i) =>
        row({ customerId: `C${i}`, transactionId: `T${i}`, line: i + 2 }),
      );
      rows.push(row({ customerId: 'C0', transactionId: 'T99', customerAddress: 'New', line: 40 }));

      await store().recordBatch(rows, 'upload-1');

      const calls = dynamo.commandCalls(BatchWriteCommand);
      const requests = calls.map((c) => c.args[0].input.RequestItems?.['Customer-1'] ?? []);
      expect(requests.map((r) => r.length)).toEqual([25, 5]);
      expect(requests[0]?.[0]).toEqual(customerPut('C0', 'New'));
    });

    it('sends unprocessed items again until DynamoDB takes them all', async () => {
      dynamo
        .on(BatchWriteCommand)
        .resolvesOnce({
          UnprocessedItems: { 'Customer-1': [customerPut('C2', '12 Harbour Road, Leith')] },
        })
        .resolves({});

      await store().recordBatch(
        [row(), row({ customerId: 'C2', transactionId: 'T2', line: 3 })],
        'upload-1',
      );

      const calls = dynamo.commandCalls(BatchWriteCommand);
      expect(calls).toHaveLength(2);
      expect(calls[1]?.args[0].input.RequestItems).toEqual({
        'Customer-1': [customerPut('C2', '12 Harbour Road, Leith')],
      });
    });

    it('fails, naming the table, when items stay unprocessed after the last attempt', async () => {
      dynamo.on(BatchWriteCommand).resolves({
        UnprocessedItems: { 'Customer-1': [customerPut('C1', '12 Harbour Road, Leith')] },
      });

      const recording = store(3).recordBatch([row()], 'upload-1');

      await expect(recording).rejects.toThrowError(UnprocessedItemsError);
      await expect(recording).rejects.toThrowError('Customer-1');
    });
  });
});
