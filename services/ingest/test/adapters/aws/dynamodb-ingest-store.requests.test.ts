import { ConditionalCheckFailedException, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  DynamoDbIngestStore,
  IngestStoreError,
} from '../../../src/adapters/aws/dynamodb-ingest-store.ts';
import { row } from '../../support/fakes.ts';

const dynamo = mockClient(DynamoDBDocumentClient);
const tables = { customer: 'Customer-1', transactions: 'Transactions-1', uploads: 'Uploads-1' };
const store = () =>
  new DynamoDbIngestStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), tables);

/** What DynamoDB answers a conditional put whose item exists: the item, as AttributeValues. */
const taken = (
  existing: { amountCents?: number; uploadId?: string; uploadLine?: number; unit?: string } = {},
) =>
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
      ...(existing.unit ? { uploadUnit: { S: existing.unit } } : {}),
    },
  });

describe('Class: DynamoDbIngestStore (requests)', () => {
  beforeEach(() => {
    dynamo.reset();
    dynamo.on(PutCommand).resolves({});
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

    it('tags a row a chunk records with its unit', async () => {
      await store().recordBatch([row({ line: 7 })], 'upload-1', 'p1.64.c3');

      expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.Item).toMatchObject({
        uploadId: 'upload-1',
        uploadLine: 7,
        uploadUnit: 'p1.64.c3',
      });
    });

    it("reads the watermark of the unit that recorded a row, and calls it this upload's own whichever unit did", async () => {
      dynamo
        .on(PutCommand)
        .rejects(taken({ uploadId: 'upload-1', uploadLine: 7, unit: 'p1.64.c3' }));
      dynamo.on(GetCommand).resolves({ Item: { publishedThroughLine: 7 } });

      const outcomes = await store().recordBatch([row({ line: 7 })], 'upload-1');

      expect(outcomes).toEqual([{ kind: 'accepted', published: true }]);
      expect(dynamo.commandCalls(GetCommand)[0]?.args[0].input).toEqual({
        TableName: 'Uploads-1',
        Key: { uploadId: 'upload-1/p1.64.c3' },
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

    it("keeps a chunk's watermark under the upload and its unit", async () => {
      await store().markPublishedThrough('upload-1', 501, 'p1.64.c3');

      expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input.Key).toEqual({
        uploadId: 'upload-1/p1.64.c3',
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
    it('writes each customer with the upload and line of its address, unless the upload wrote a later line, and lists it', async () => {
      await store().putCustomers(
        [
          { customerId: 'C1', address: '12 Harbour Road, Leith', line: 9 },
          { customerId: 'C2', address: '7 Mill Lane', line: 4 },
        ],
        'upload-1',
      );

      const inputs = dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input);
      expect(inputs).toHaveLength(2);
      expect(inputs[0]).toEqual({
        TableName: 'Customer-1',
        Key: { customerId: 'C1' },
        UpdateExpression:
          'SET address = :address, addressUpload = :upload, addressLine = :line, #listing = :listing',
        ConditionExpression:
          'attribute_not_exists(addressUpload) OR addressUpload <> :upload OR addressLine <= :line',
        // `listing` puts the customer in the Customer table's Listing index (listed by Query).
        ExpressionAttributeNames: { '#listing': 'listing' },
        ExpressionAttributeValues: {
          ':address': '12 Harbour Road, Leith',
          ':upload': 'upload-1',
          ':line': 9,
          ':listing': 'Customer',
        },
      });
    });

    it('takes a failed condition as a later line already written, and other errors as errors', async () => {
      dynamo
        .on(UpdateCommand, { TableName: 'Customer-1' })
        .rejectsOnce(new ConditionalCheckFailedException({ message: 'no', $metadata: {} }))
        .rejects(new Error('ProvisionedThroughputExceededException'));
      const write = (customerId: string) =>
        store().putCustomers([{ customerId, address: 'Addr', line: 2 }], 'upload-1');

      await expect(write('C1')).resolves.toBeUndefined();
      await expect(write('C2')).rejects.toThrowError('ProvisionedThroughputExceededException');
    });
  });
});
