import { closeSync, createReadStream, openSync, writeSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { alertingManifest, makeHighBalanceDetectedHandler } from '@txnflow/alerting';
import {
  createEventPublisher,
  type EventPublisher,
  type Log,
  type ServiceManifest,
} from '@txnflow/contracts';
import { createEventBridgeTransport, SqsDeadLetterSink } from '@txnflow/contracts/aws';
import { ingestManifest, makeObjectCreatedHandler } from '@txnflow/ingest';
import { ledgerManifest, makeTransactionRecordedHandler, readLedgerConfig } from '@txnflow/ledger';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbAlertStore } from '../../../services/alerting/src/adapters/aws/dynamodb-alert-store.ts';
import { SnsEmailNotifier } from '../../../services/alerting/src/adapters/aws/sns-email-notifier.ts';
import { DynamoDbIngestStore } from '../../../services/ingest/src/adapters/aws/dynamodb-ingest-store.ts';
import { S3ObjectStore } from '../../../services/ingest/src/adapters/aws/s3-object-store.ts';
import { DynamoDbLedgerStore } from '../../../services/ledger/src/adapters/aws/dynamodb-ledger-store.ts';
import { type AwsCallCounts, chunksOf, type DeliveredEvent, fakeAwsServices } from './aws-fakes.ts';

/** Lambda's default memory when a manifest handler names none (HandlerSpec.memoryMb). */
const DEFAULT_MEMORY_MB = 256;
/** An event source mapping receives (and deletes) up to 10 messages per SQS call. */
const MESSAGES_PER_SQS_CALL = 10;

const REGION = { region: 'us-east-1' };
const QUIET: Log = { info() {}, warn() {}, error() {} };

/** One function's invocations and how long they took here (against DynamoDB Local). */
interface LambdaUsage {
  readonly handler: string;
  readonly memoryMb: number;
  invocations: number;
  seconds: number;
}

/** What the SQS queues were asked to do, counted or derived from the routing. */
interface QueueUsage {
  /** EventBridge's SendMessage per event a rule delivers to a queue (per 64 KB chunk). */
  ruleDeliveries: Map<string, number>;
  /** The ledger's event source mapping: ReceiveMessage and DeleteMessageBatch calls. */
  mappingReceives: number;
  mappingDeletes: number;
}

interface PipelineRun {
  readonly accepted: number;
  readonly alerts: number;
  /** Bytes of the events the bus archive kept (every event of the txnflow bus). */
  readonly archivedBytes: number;
  readonly aws: AwsCallCounts;
  readonly queues: QueueUsage;
  readonly lambdas: LambdaUsage[];
}

interface PipelineTables {
  readonly documentClient: DynamoDBDocumentClient;
  /** Physical table names, by manifest table name. */
  readonly names: Readonly<Record<string, string>>;
}

function memoryOf(manifest: ServiceManifest, handler: string): number {
  return manifest.handlers.find((h) => h.name === handler)?.memoryMb ?? DEFAULT_MEMORY_MB;
}

/** Runs `invoke` as one Lambda invocation of `usage`'s function, timing it. */
async function invocation<T>(usage: LambdaUsage, invoke: () => Promise<T>): Promise<T> {
  const start = process.hrtime.bigint();
  try {
    return await invoke();
  } finally {
    usage.invocations += 1;
    usage.seconds += Number(process.hrtime.bigint() - start) / 1e9;
  }
}

function publisherOn(): EventPublisher {
  return createEventPublisher({
    transport: createEventBridgeTransport(new EventBridgeClient(REGION)),
    eventBusName: 'txnflow',
  });
}

/** How many queue rules a detail-type reaches (subscriptions of kind queue or queue-consumer). */
function queueRulesFor(detailType: string): string[] {
  return [ingestManifest, ledgerManifest, alertingManifest].flatMap((m) =>
    m.subscriptions
      .filter((s) => s.target.kind !== 'function')
      .filter((s) => (s.eventPattern['detail-type'] as string[] | undefined)?.includes(detailType))
      .map((s) => ('queue' in s.target ? s.target.queue : s.rule)),
  );
}

const sqsRecord = (messageId: string, body: string): SQSRecord => ({
  messageId,
  receiptHandle: messageId,
  body,
  attributes: {
    ApproximateReceiveCount: '1',
    SentTimestamp: '0',
    SenderId: 'events.amazonaws.com',
    ApproximateFirstReceiveTimestamp: '0',
  },
  messageAttributes: {},
  md5OfBody: '',
  eventSource: 'aws:sqs',
  eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:LedgerTransactions',
  awsRegion: 'us-east-1',
});

/**
 * Runs a file through the three services on their AWS adapters, as the stacks wire them: S3
 * "Object Created" to ingest; every TransactionRecorded, as EventBridge would deliver it to
 * the ledger's queue, to the ledger in SQS batches of the manifest's size; every original
 * HighBalanceDetected to alerting, one invocation each. DynamoDB is DynamoDB Local (metered
 * by the caller); S3, EventBridge, SQS and SNS are mocked and counted. TransactionRecorded
 * events are spooled to `spoolFile` between ingest and ledger, so a large file needs no
 * memory for them.
 *
 * @example const run = await runOnAwsAdapters(file, spool, { documentClient, names });
 */
async function runOnAwsAdapters(
  file: string,
  spoolFile: string,
  tables: PipelineTables,
): Promise<PipelineRun> {
  const queues: QueueUsage = { ruleDeliveries: new Map(), mappingReceives: 0, mappingDeletes: 0 };
  const alerts: DeliveredEvent[] = [];
  let archivedBytes = 0;
  const spool = openSync(spoolFile, 'w');
  const fakes = fakeAwsServices(file, (event) => {
    const bytes = Buffer.byteLength(event.json);
    archivedBytes += bytes;
    for (const queue of queueRulesFor(event.detailType)) {
      queues.ruleDeliveries.set(queue, (queues.ruleDeliveries.get(queue) ?? 0) + chunksOf(bytes));
    }
    if (event.detailType === 'TransactionRecorded') writeSync(spool, `${event.json}\n`);
    else alerts.push(event);
  });
  const lambdas = {
    ingest: lambdaUsage(ingestManifest, 'objectCreated'),
    ledger: lambdaUsage(ledgerManifest, 'transactionRecorded'),
    alerting: lambdaUsage(alertingManifest, 'highBalanceDetected'),
  };
  try {
    const accepted = await runIngest(file, tables, lambdas.ingest);
    closeSync(spool);
    await runLedger(spoolFile, tables, lambdas.ledger, queues);
    await runAlerting(alerts, tables, lambdas.alerting);
    return {
      accepted,
      alerts: alerts.length,
      archivedBytes,
      aws: fakes.counts,
      queues,
      lambdas: Object.values(lambdas),
    };
  } finally {
    fakes.restore();
  }
}

function lambdaUsage(manifest: ServiceManifest, handler: string): LambdaUsage {
  return {
    handler: `${manifest.service}.${handler}`,
    memoryMb: memoryOf(manifest, handler),
    invocations: 0,
    seconds: 0,
  };
}

async function runIngest(file: string, tables: PipelineTables, usage: LambdaUsage) {
  const handler = makeObjectCreatedHandler({
    objects: new S3ObjectStore(new S3Client(REGION)),
    store: new DynamoDbIngestStore(tables.documentClient, {
      customer: tables.names.Customer ?? '',
      transactions: tables.names.Transactions ?? '',
      uploads: tables.names.Uploads ?? '',
    }),
    publisher: publisherOn(),
    // Mocked and counted: a valid event dead-letters nothing.
    deadLetters: new SqsDeadLetterSink(new SQSClient(REGION), 'UploadsObjectCreatedToIngestDLQ'),
    log: QUIET,
  });
  const event = {
    version: '0',
    id: 'cost-report-object-created',
    'detail-type': 'Object Created' as const,
    source: 'aws.s3',
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: {
      version: '0',
      bucket: { name: 'uploads' },
      object: {
        key: `incoming/${encodeURIComponent(file.split('/').at(-1) ?? 'file')}`,
        size: 1,
        etag: 'cost-report',
        'version-id': 'cost-report-v1',
        sequencer: '0',
      },
      'request-id': 'cost-report',
      requester: '123456789012',
      reason: 'PutObject',
    },
  };
  const outcome = await invocation(usage, () => handler(event));
  if (outcome.kind !== 'ingested') {
    throw new Error(`the cost run's event was not ingested in one run: ${JSON.stringify(outcome)}`);
  }
  return outcome.summary.accepted;
}

async function runLedger(
  spoolFile: string,
  tables: PipelineTables,
  usage: LambdaUsage,
  queues: QueueUsage,
): Promise<void> {
  const handler = makeTransactionRecordedHandler({
    store: new DynamoDbLedgerStore(tables.documentClient, {
      transactionTotal: tables.names.TransactionTotal ?? '',
      ledgerEntries: tables.names.LedgerEntries ?? '',
    }),
    publisher: publisherOn(),
    deadLetters: new SqsDeadLetterSink(new SQSClient(REGION), 'LedgerTransactionsDLQ'),
    config: readLedgerConfig({}),
    log: QUIET,
  });
  const subscription = ledgerManifest.subscriptions[0];
  const batchSize =
    subscription?.target.kind === 'queue-consumer' ? (subscription.target.batchSize ?? 10) : 10;
  let pending: SQSRecord[] = [];
  const deliver = async (records: SQSRecord[]) => {
    queues.mappingReceives += Math.ceil(records.length / MESSAGES_PER_SQS_CALL);
    const event: SQSEvent = { Records: records };
    const { batchItemFailures } = await invocation(usage, () => handler(event));
    const failed = new Set(batchItemFailures.map((f) => f.itemIdentifier));
    const done = records.length - failed.size;
    queues.mappingDeletes += Math.ceil(done / MESSAGES_PER_SQS_CALL);
    // SQS delivers a failed message again after its visibility timeout.
    return records.filter((r) => failed.has(r.messageId));
  };
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(spoolFile) })) {
    n += 1;
    pending.push(sqsRecord(`m${n}`, line));
    if (pending.length === batchSize) pending = await deliver(pending);
  }
  for (let round = 0; pending.length > 0; round += 1) {
    if (round === 10) throw new Error(`${pending.length} ledger message(s) still fail`);
    pending = await deliver(pending);
  }
}

async function runAlerting(
  alerts: readonly DeliveredEvent[],
  tables: PipelineTables,
  usage: LambdaUsage,
): Promise<void> {
  const handler = makeHighBalanceDetectedHandler({
    store: new DynamoDbAlertStore(tables.documentClient, tables.names.Alerts ?? ''),
    notifier: new SnsEmailNotifier(new SNSClient(REGION), 'HighBalanceAlert'),
    deadLetters: new SqsDeadLetterSink(new SQSClient(REGION), 'HighBalanceToAlertingDLQ'),
    log: QUIET,
  });
  for (const alert of alerts) {
    await invocation(usage, () => handler(JSON.parse(alert.json)));
  }
}

export type { LambdaUsage, PipelineRun, PipelineTables, QueueUsage };
export { runOnAwsAdapters };
