import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { UnprocessedItemsError } from '../../../src/adapters/aws/batch-put-items.ts';
import {
  DynamoDbIngestStore,
  IngestStoreError,
} from '../../../src/adapters/aws/dynamodb-ingest-store.ts';
import { row } from '../../support/fakes.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const tables = { customer: 'Customer-1', transactions: 'Transactions-1', uploads: 'Uploads-1' };
const noWait = { sleep: async () => {} };
const store = (maxAttempts = 8) =>
  new DynamoDbIngestStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), tables, {
    batchPut: { ...noWait, maxAttempts },
  });

// `listing` puts the customer in the Customer table's Listing index (listed by Query).
const customerPut = (customerId: string, address: string) => ({
  PutRequest: { Item: { customerId, address, listing: 'Customer' } },
});

/** What DynamoDB answers a conditional put whose item exists: the item, as AttributeValues. */
const taken = (existing: { amountCents?: number; uploadId?: string; uploadLine?: number } = {}) =>
  new ConditionalCheckFailedException({
    message: 'The conditional request failed',
    $metadata: {},
    Item: {
      customerId: { S: 'C1' },
      transactionId: { S: 'T1' },
      transactionDate: { S: '2023-03-01' },
      amountCents: { N: String(existing.amountCents ?? 12_540) },
      uploadId: { S: existing.uploadId ?? 'upload-0' },
      uploadLine: { N: String(existing.uploadLine ?? 2) },
    },
  });

describe('Class: DynamoDbIngestStore (requests)', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(PutCommand).resolves({});
    dynamo.on(BatchWriteCommand).resolves({});
    dynamo.on(UpdateCommand).resolves({});
  });

  describe('Method: recordBatch', () => {
    it('puts each transaction only if its key is new, tagged with the upload and line, asking for the item that is there if not', async () => {
      await store().recordBatch([row({ line: 7 })], 'upload-1');

      expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input).toEqual({
        TableName: 'Transactions-1',
        Item: {
          customerId: 'C1',
          transactionId: 'T1',
          transactionDate: '2023-03-01',
          amountCents: 12_540,
          uploadId: 'upload-1',
          uploadLine: 7,
        },
        ConditionExpression: 'attribute_not_exists(transactionId)',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      });
    });

    it('makes one write per new row and nothing else: no read, no customer, no outbox flag', async () => {
      const rows = [row(), row({ customerId: 'C2', transactionId: 'T2', line: 3 })];

      await store().recordBatch(rows, 'upload-1');

      expect(dynamo.calls().map((c) => c.args[0].constructor.name)).toEqual([
        'PutCommand',
        'PutCommand',
      ]);
    });

    it('tells a conflict from the item the failed put returns, without reading it again', async () => {
      dynamo.on(PutCommand).rejects(taken({ amountCents: 1 }));

      const outcomes = await store().recordBatch([row()], 'upload-1');

      expect(outcomes).toEqual([
        { kind: 'conflict', existing: { transactionDate: '2023-03-01', amountCents: 1 } },
      ]);
      expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    });

    it("reads the recording upload's watermark once, eventually consistent, to tell whether a duplicate was published", async () => {
      dynamo.on(PutCommand).rejects(taken({ uploadId: 'upload-0', uploadLine: 4 }));
      dynamo.on(GetCommand).resolves({ Item: { uploadId: 'upload-0', publishedThroughLine: 4 } });
      const rows = [row({ line: 2 }), row({ customerId: 'C1', transactionId: 'T1', line: 3 })];
      const recorder = store();

      const first = await recorder.recordBatch(rows.slice(0, 1), 'upload-1');
      const second = await recorder.recordBatch(rows.slice(1), 'upload-1');

      expect([...first, ...second]).toEqual([
        { kind: 'duplicate', published: true },
        { kind: 'duplicate', published: true },
      ]);
      expect(dynamo.commandCalls(GetCommand).map((c) => c.args[0].input)).toEqual([
        { TableName: 'Uploads-1', Key: { uploadId: 'upload-0' } },
      ]);
    });

    it('says a row past its upload watermark, or of an upload with none, is unpublished', async () => {
      dynamo.on(PutCommand).rejects(taken({ uploadId: 'upload-1', uploadLine: 2 }));
      dynamo.on(GetCommand).resolves({});

      expect(await store().recordBatch([row({ line: 2 })], 'upload-1')).toEqual([
        { kind: 'accepted', published: false },
      ]);
    });

    it('fails with a typed error when DynamoDB returns no item with the failed condition', async () => {
      dynamo
        .on(PutCommand)
        .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));

      await expect(store().recordBatch([row()], 'upload-1')).rejects.toThrowError(IngestStoreError);
    });
  });

  describe('Method: markPublishedThrough', () => {
    it('moves the watermark forward only', async () => {
      await store().markPublishedThrough('upload-1', 501);

      expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input).toEqual({
        TableName: 'Uploads-1',
        Key: { uploadId: 'upload-1' },
        UpdateExpression: 'SET publishedThroughLine = :line',
        ConditionExpression:
          'attribute_not_exists(publishedThroughLine) OR publishedThroughLine < :line',
        ExpressionAttributeValues: { ':line': 501 },
      });
    });

    it('takes a watermark already further as done', async () => {
      dynamo
        .on(UpdateCommand)
        .rejects(new ConditionalCheckFailedException({ message: 'further', $metadata: {} }));

      await expect(store().markPublishedThrough('upload-1', 3)).resolves.toBeUndefined();
    });

    it('remembers the watermark it wrote, so its own rows need no read', async () => {
      dynamo.on(PutCommand).rejects(taken({ uploadId: 'upload-1', uploadLine: 2 }));
      const recorder = store();
      await recorder.markPublishedThrough('upload-1', 501);

      const outcomes = await recorder.recordBatch([row({ line: 2 })], 'upload-1');

      expect(outcomes).toEqual([{ kind: 'accepted', published: true }]);
      expect(dynamo.commandCalls(GetCommand)).toHaveLength(0);
    });
  });

  describe('Method: putCustomers', () => {
    it('puts customers with BatchWriteItem, 25 per call', async () => {
      const customers = Array.from({ length: 30 }, (_, i) => ({
        customerId: `C${i}`,
        address: `${i} Main Street`,
      }));

      await store().putCustomers(customers);

      const calls = dynamo.commandCalls(BatchWriteCommand);
      const requests = calls.map((c) => c.args[0].input.RequestItems?.['Customer-1'] ?? []);
      expect(requests.map((r) => r.length)).toEqual([25, 5]);
      expect(requests[0]?.[0]).toEqual(customerPut('C0', '0 Main Street'));
    });

    it('sends unprocessed items again until DynamoDB takes them all', async () => {
      dynamo
        .on(BatchWriteCommand)
        .resolvesOnce({ UnprocessedItems: { 'Customer-1': [customerPut('C2', '7 Mill Lane')] } })
        .resolves({});

      await store().putCustomers([
        { customerId: 'C1', address: '12 Harbour Road, Leith' },
        { customerId: 'C2', address: '7 Mill Lane' },
      ]);

      const calls = dynamo.commandCalls(BatchWriteCommand);
      expect(calls).toHaveLength(2);
      expect(calls[1]?.args[0].input.RequestItems).toEqual({
        'Customer-1': [customerPut('C2', '7 Mill Lane')],
      });
    });

    it('fails, naming the table, when items stay unprocessed after the last attempt', async () => {
      dynamo.on(BatchWriteCommand).resolves({
        UnprocessedItems: { 'Customer-1': [customerPut('C1', '12 Harbour Road, Leith')] },
      });

      const writing = store(3).putCustomers([
        { customerId: 'C1', address: '12 Harbour Road, Leith' },
      ]);

      await expect(writing).rejects.toThrowError(UnprocessedItemsError);
      await expect(writing).rejects.toThrowError('Customer-1');
    });
  });
});
