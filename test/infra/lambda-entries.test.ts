import { Readable } from 'node:stream';
import {
  DescribeEventBusCommand,
  EventBridgeClient,
  PutEventsCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import {
  BatchGetCommand,
  DynamoDBDocumentClient,
  PutCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { Context, SQSEvent } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { envelopeOf, highBalanceDetected } from '../../services/alerting/test/support/factories.ts';
import { chunkTaskBody } from '../../services/ingest/src/domain/chunk-tasks.ts';
import { sqsBodyOf, transactionRecorded } from '../../services/ledger/test/support/factories.ts';

/**
 * The Lambda entries wire the same handler factories as the local runtime to the AWS
 * adapters. Each is loaded once with the environment the stacks set and run against mocked
 * AWS clients: the right tables, bus, queue and topic are used, end to end through the handler.
 */

const ENVIRONMENT = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  POWERTOOLS_METRICS_DISABLED: 'true',
  POWERTOOLS_METRICS_NAMESPACE: 'txnflow',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  EVENT_BUS_NAME: 'txnflow-test',
  DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
  TRANSACTION_TOTAL_TABLE_NAME: 'TransactionTotal-x',
  LEDGER_ENTRIES_TABLE_NAME: 'LedgerEntries-x',
  CUSTOMER_TABLE_NAME: 'Customer-x',
  TRANSACTIONS_TABLE_NAME: 'Transactions-x',
  UPLOADS_TABLE_NAME: 'Uploads-x',
  UPLOAD_TASKS_TABLE_NAME: 'UploadTasks-x',
  INGEST_CHUNKS_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/IngestChunks',
  ALERTS_TABLE_NAME: 'Alerts-x',
  HIGH_BALANCE_ALERT_TOPIC_ARN: 'arn:aws:sns:eu-west-1:123456789012:HighBalanceAlert',
  HIGH_BALANCE_THRESHOLD: '1500.00',
};

const dynamo = mockClient(DynamoDBDocumentClient);
const eventBridge = mockClient(EventBridgeClient);
const s3 = mockClient(S3Client);
const sns = mockClient(SNSClient);
const sqs = mockClient(SQSClient);

const context = {
  functionName: 'txnflow-test-fn',
  awsRequestId: 'req-1',
  invokedFunctionArn: 'arn:aws:lambda:eu-west-1:123456789012:function:fn',
  getRemainingTimeInMillis: () => 60_000,
} as unknown as Context;

type Handler = (event: never, context: Context) => Promise<unknown>;

describe('Lambda entries', () => {
  const entries = {} as Record<'ledger' | 'ingest' | 'ingestChunks' | 'alerting', Handler>;
  beforeAll(async () => {
    for (const [name, value] of Object.entries(ENVIRONMENT)) vi.stubEnv(name, value);
    // The publishing entries check at cold start that their bus exists.
    eventBridge.on(DescribeEventBusCommand).resolves({ Name: ENVIRONMENT.EVENT_BUS_NAME });
    const load = async (path: string) =>
      ((await import(new URL(path, import.meta.url).href)) as { handler: Handler }).handler;
    entries.ledger = await load('../../services/ledger/src/lambda/transaction-recorded.ts');
    entries.ingest = await load('../../services/ingest/src/lambda/object-created.ts');
    entries.ingestChunks = await load('../../services/ingest/src/lambda/chunk-task.ts');
    entries.alerting = await load('../../services/alerting/src/lambda/high-balance-detected.ts');
  }, 120_000); // imports the AWS SDK clients and Powertools: seconds on a busy machine
  afterAll(() => {
    vi.unstubAllEnvs();
  });

  beforeEach(() => {
    for (const mock of [dynamo, eventBridge, s3, sns, sqs]) mock.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm' });
  });

  describe('ledger: transactionRecorded', () => {
    it('applies a batch on the tables from the environment and dead-letters a poison record', async () => {
      dynamo.on(BatchGetCommand).resolves({});
      dynamo.on(UpdateCommand).resolves({});
      dynamo.on(PutCommand).resolves({});
      const event: SQSEvent = {
        Records: [
          { messageId: 'good', body: sqsBodyOf(transactionRecorded()) },
          { messageId: 'bad', body: '{"detail-type":"TransactionRecorded","detail":{}}' },
        ] as SQSEvent['Records'],
      };

      const response = await entries.ledger(event as never, context);

      expect(response).toEqual({ batchItemFailures: [] });
      expect(dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input.TableName)).toEqual([
        'TransactionTotal-x',
      ]);
      expect(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.TableName)).toEqual([
        'LedgerEntries-x',
      ]);
      expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe(
        ENVIRONMENT.DEAD_LETTER_QUEUE_URL,
      );
    });

    it('publishes HighBalanceDetected on the bus from the environment when a balance crosses', async () => {
      dynamo.on(BatchGetCommand).resolves({});
      dynamo.on(PutCommand).resolves({});
      dynamo.on(UpdateCommand).resolves({});
      eventBridge
        .on(PutEventsCommand)
        .resolves({ FailedEntryCount: 0, Entries: [{ EventId: 'e' }] });
      const body = sqsBodyOf(transactionRecorded({ amount: '1600.00' }));

      await entries.ledger({ Records: [{ messageId: 'm', body }] } as never, context);

      const entry = eventBridge.commandCalls(PutEventsCommand)[0]?.args[0].input.Entries?.[0];
      expect(entry).toMatchObject({
        EventBusName: 'txnflow-test',
        Source: 'txnflow.ledger',
        DetailType: 'HighBalanceDetected',
      });
    });
  });

  describe('ingest: objectCreated', () => {
    /** S3's event for `incoming/my file+1 é.txt`, its key form-encoded as S3 writes it. */
    const objectCreated = (detail: Record<string, unknown> = {}) => ({
      version: '0',
      id: 'object-created-1',
      'detail-type': 'Object Created',
      source: 'aws.s3',
      account: '123456789012',
      time: '2026-11-20T09:15:00Z',
      region: 'eu-west-1',
      resources: ['arn:aws:s3:::uploads-x'],
      detail: {
        version: '0',
        bucket: { name: 'uploads-x' },
        object: {
          key: 'incoming/my+file%2B1+%C3%A9.txt',
          size: 90,
          etag: 'b1946ac92492d2347c6235b4d2611184',
          'version-id': 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
          sequencer: '00617F08299329D189',
        },
        'request-id': 'N4N7GDK58NMKJ12R',
        requester: '123456789012',
        'source-ip-address': '1.2.3.4',
        reason: 'PutObject',
        ...detail,
      },
    });

    it('reads the version the event names, by its decoded key, records rows and publishes on the bus', async () => {
      const file = [
        'customer_id|customer_address|trn_id|trn_date|trn_amount',
        'C1|12 Harbour Road, Leith|T1|2023-03-01|100.00',
        'C2|7 Mill Lane|T2|2023-03-02|-25.00',
        '',
      ].join('\n');
      s3.on(GetObjectCommand).resolves({
        Body: Readable.from([Buffer.from(file)]) as unknown as GetObjectCommandOutput['Body'],
      });
      s3.on(PutObjectCommand).resolves({});
      dynamo.on(PutCommand).resolves({});
      dynamo.on(UpdateCommand).resolves({});
      eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
        FailedEntryCount: 0,
        Entries: input.Entries.map((_, i) => ({ EventId: `e${i}` })),
      }));

      const outcome = await entries.ingest(objectCreated() as never, context);

      expect(outcome).toMatchObject({ kind: 'ingested', summary: { accepted: 2, rejected: [] } });
      expect(s3.commandCalls(GetObjectCommand).map((c) => c.args[0].input)).toEqual([
        {
          Bucket: 'uploads-x',
          Key: 'incoming/my file+1 é.txt',
          VersionId: 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e',
        },
      ]);
      expect(s3.commandCalls(PutObjectCommand).map((c) => c.args[0].input.Key)).toEqual([
        'reports/incoming/my file+1 é.txt/IYV3p45BT0ac8hjHg1houSdS1a.Mro8e.rejects.csv',
        'reports/incoming/my file+1 é.txt/IYV3p45BT0ac8hjHg1houSdS1a.Mro8e.summary.json',
      ]);
      expect(dynamo.commandCalls(PutCommand).map((c) => c.args[0].input.TableName)).toEqual([
        'Transactions-x',
        'Transactions-x',
      ]);
      expect(dynamo.commandCalls(UpdateCommand).map((c) => c.args[0].input.TableName)).toEqual([
        'Customer-x',
        'Customer-x',
        'Uploads-x',
      ]);
      const published = eventBridge
        .commandCalls(PutEventsCommand)
        .flatMap((c) => c.args[0].input.Entries ?? []);
      expect(published.map((e) => [e.EventBusName, e.Source, e.DetailType])).toEqual([
        ['txnflow-test', 'txnflow.ingest', 'TransactionRecorded'],
        ['txnflow-test', 'txnflow.ingest', 'TransactionRecorded'],
      ]);
    });

    it('dead-letters an event without a version id to the queue from the environment, and reads nothing', async () => {
      const event = objectCreated({
        object: { key: 'incoming/t.txt', size: 1, etag: 'e', sequencer: '00' },
      });

      const outcome = await entries.ingest(event as never, context);

      expect(outcome).toMatchObject({ kind: 'dead-lettered' });
      const sent = sqs.commandCalls(SendMessageCommand).map((c) => c.args[0].input);
      expect(sent).toEqual([
        expect.objectContaining({
          QueueUrl: ENVIRONMENT.DEAD_LETTER_QUEUE_URL,
          MessageBody: JSON.stringify(event),
        }),
      ]);
      expect(sent[0]?.MessageAttributes?.ERROR_MESSAGE?.StringValue).toContain(
        '/detail/object/version-id is required',
      );
      expect(s3.commandCalls(GetObjectCommand)).toEqual([]);
    });
  });

  describe('ingest: chunked files', () => {
    const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount\n';
    const bodyOf = (text: string) =>
      Readable.from([Buffer.from(text)]) as unknown as GetObjectCommandOutput['Body'];

    it("queues a large file's segment scans on the chunk queue from the environment, reading only its start", async () => {
      const size = 20 * 1024 * 1024;
      s3.on(HeadObjectCommand).resolves({ ContentLength: size });
      s3.on(GetObjectCommand).resolves({ Body: bodyOf(`${HEADER}C1|Addr|T1|2023-03-01|1.00\n`) });
      sqs.on(SendMessageBatchCommand).resolves({ Failed: [] });
      const event = {
        version: '0',
        id: 'object-created-big',
        'detail-type': 'Object Created',
        source: 'aws.s3',
        detail: {
          bucket: { name: 'uploads-x' },
          object: { key: 'incoming/big.txt', size, 'version-id': 'v-big' },
        },
      };

      const outcome = await entries.ingest(event as never, context);

      expect(outcome).toMatchObject({ kind: 'chunked', segments: 3 });
      expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toMatchObject({
        VersionId: 'v-big',
        Range: 'bytes=0-65535',
      });
      const batch = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input;
      expect(batch?.QueueUrl).toBe(ENVIRONMENT.INGEST_CHUNKS_QUEUE_URL);
      expect(batch?.Entries?.map((e) => JSON.parse(e.MessageBody ?? '{}').detail.kind)).toEqual([
        'scan',
        'scan',
        'scan',
      ]);
    });

    it('runs a chunk task on the tables and bucket from the environment, and dead-letters a message that is not one', async () => {
      const text = `${HEADER}C1|Addr|T1|2023-03-01|1.00\nC1|Addr|T2|2023-03-01|2.00\n`;
      s3.on(GetObjectCommand).callsFake(() => ({ Body: bodyOf(text.slice(HEADER.length)) }));
      s3.on(PutObjectCommand).resolves({});
      dynamo.on(UpdateCommand).resolves({ Attributes: { done: new Set([0]) } });
      const upload = {
        bucket: 'uploads-x',
        key: 'incoming/big.txt',
        versionId: 'v-big',
        correlationId: 'upload-1',
        causationId: 'object-created-big',
        size: text.length,
        segmentBytes: 10,
        header: {
          text: HEADER,
          line: HEADER.trim(),
          delimiter: '|',
          dataStart: HEADER.length,
          lineEnd: 'lf',
        },
      };
      const event = {
        Records: [
          { messageId: 'scan', body: chunkTaskBody({ kind: 'scan', upload, segment: 1 } as never) },
          { messageId: 'poison', body: '{"kind":"scan"}' },
        ],
      };

      const response = await entries.ingestChunks(event as never, context);

      expect(response).toEqual({ batchItemFailures: [] });
      expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toMatchObject({
        Bucket: 'uploads-x',
        VersionId: 'v-big',
        Range: `bytes=${HEADER.length + 10}-${HEADER.length + 20}`,
      });
      expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key).toBe(
        'reports/.chunks/upload-1/p1.10/scan-000001.json',
      );
      expect(dynamo.commandCalls(UpdateCommand)[0]?.args[0].input.TableName).toBe('UploadTasks-x');
      expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.QueueUrl).toBe(
        ENVIRONMENT.DEAD_LETTER_QUEUE_URL,
      );
    });
  });

  describe('alerting: highBalanceDetected', () => {
    it('records the alert and emails through the topic from the environment', async () => {
      dynamo.on(PutCommand).resolves({});
      dynamo.on(UpdateCommand).resolves({});
      sns.on(PublishCommand).resolves({ MessageId: 'm' });

      const outcome = await entries.alerting(envelopeOf(highBalanceDetected()) as never, context);

      expect(outcome).toEqual({ kind: 'recorded', emailed: true, emailMessageId: 'm' });
      expect(dynamo.commandCalls(PutCommand)[0]?.args[0].input.TableName).toBe('Alerts-x');
      expect(sns.commandCalls(PublishCommand)[0]?.args[0].input).toMatchObject({
        TopicArn: ENVIRONMENT.HIGH_BALANCE_ALERT_TOPIC_ARN,
        Subject: 'Warning! Account balance is very high',
      });
    });

    it('dead-letters an event that fails its contract, with the reason, and emails no one', async () => {
      const outcome = await entries.alerting(
        { 'detail-type': 'HighBalanceDetected' } as never,
        context,
      );

      expect(outcome).toEqual({ kind: 'dead-lettered' });
      expect(
        sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageAttributes?.ERROR_MESSAGE
          ?.StringValue,
      ).toContain('/detail');
      expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    });
  });

  // PutEvents to a bus that does not exist answers an EventId and drops the event
  // (aws/aws-cli#9186), so the publishing entries refuse to start without their bus.
  describe('cold start: the bus exists', () => {
    const PUBLISHERS = [
      ['ingest', '../../services/ingest/src/lambda/object-created.ts'],
      ['ingest chunks', '../../services/ingest/src/lambda/chunk-task.ts'],
      ['ledger', '../../services/ledger/src/lambda/transaction-recorded.ts'],
    ] as const;
    const coldStart = async (path: string) => {
      vi.resetModules();
      return import(new URL(path, import.meta.url).href);
    };

    it.each(PUBLISHERS)(
      '%s fails its cold start, naming the bus, when the bus does not exist',
      async (_name, path) => {
        eventBridge.on(DescribeEventBusCommand).rejects(
          new ResourceNotFoundException({
            message: `Event bus ${ENVIRONMENT.EVENT_BUS_NAME} does not exist.`,
            $metadata: {},
          }),
        );

        const started = coldStart(path);

        await expect(started).rejects.toThrow(
          /event bus "txnflow-test" \(from EVENT_BUS_NAME\) does not exist/,
        );
        await expect(started).rejects.toHaveProperty('name', 'EventBusNotFoundError');
        expect(eventBridge.commandCalls(DescribeEventBusCommand)[0]?.args[0].input).toEqual({
          Name: ENVIRONMENT.EVENT_BUS_NAME,
        });
      },
      120_000,
    );

    it.each(PUBLISHERS)(
      '%s fails its cold start when it may not read the bus',
      async (_name, path) => {
        eventBridge.on(DescribeEventBusCommand).rejects(new Error('AccessDeniedException'));

        await expect(coldStart(path)).rejects.toThrow('AccessDeniedException');
      },
      120_000,
    );

    it.each(PUBLISHERS)(
      '%s starts when the bus exists',
      async (_name, path) => {
        eventBridge.on(DescribeEventBusCommand).resolves({ Name: ENVIRONMENT.EVENT_BUS_NAME });

        const module = (await coldStart(path)) as { handler: unknown };

        expect(module.handler).toBeTypeOf('function');
      },
      120_000,
    );
  });
});
