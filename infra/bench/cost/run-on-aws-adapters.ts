import { closeSync, createReadStream, openSync, statSync, writeSync } from 'node:fs';
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
import {
  batchesOf,
  createEventBridgeTransport,
  forEachBounded,
  SqsDeadLetterSink,
} from '@txnflow/contracts/aws';
import {
  CHUNK_QUEUE,
  ingestManifest,
  makeChunkTaskHandler,
  makeObjectCreatedHandler,
  reportKeysFor,
} from '@txnflow/ingest';
import { ledgerManifest, makeTransactionRecordedHandler, readLedgerConfig } from '@txnflow/ledger';
import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { DynamoDbAlertStore } from '../../../services/alerting/src/adapters/aws/dynamodb-alert-store.ts';
import { SnsEmailNotifier } from '../../../services/alerting/src/adapters/aws/sns-email-notifier.ts';
import { DynamoDbIngestStore } from '../../../services/ingest/src/adapters/aws/dynamodb-ingest-store.ts';
import { DynamoDbUploadTasks } from '../../../services/ingest/src/adapters/aws/dynamodb-upload-tasks.ts';
import { S3ObjectStore } from '../../../services/ingest/src/adapters/aws/s3-object-store.ts';
import { SqsTaskQueue } from '../../../services/ingest/src/adapters/aws/sqs-task-queue.ts';
import { DynamoDbLedgerStore } from '../../../services/ledger/src/adapters/aws/dynamodb-ledger-store.ts';
import {
  type AwsCallCounts,
  chunksOf,
  chunkTaskKind,
  type DeliveredEvent,
  fakeAwsServices,
} from './aws-fakes.ts';

/** Lambda's default memory when a manifest handler names none (HandlerSpec.memoryMb). */
const DEFAULT_MEMORY_MB = 256;
/** An event source mapping receives (and deletes) up to 10 messages per SQS call. */
const MESSAGES_PER_SQS_CALL = 10;

const REGION = { region: 'us-east-1' };
/** The uploaded object's version, which names its reports. */
const VERSION_ID = 'cost-report-v1';
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
  /** Ingest's chunk tasks, each received and deleted by its mapping (batch size 1). */
  chunkTasks: number;
}

/** How the run drives the functions, as the stacks configure them. */
interface RunOptions {
  /**
   * Invocations of each function at once (the mappings' concurrency, scaled to this box):
   * ingest's chunk tasks, the ledger's batches, alerting's events.
   */
  readonly concurrency: number;
  /** A file larger than this is ingested in chunks, as ingest's Lambda does on AWS. */
  readonly chunkBytes: number;
  /** Told, every 30 s, how far the run is (a run of 1,000,000 rows takes most of an hour). */
  readonly onProgress?: (status: string) => void;
}

/** How far a run is: TransactionRecorded events published, ledger messages done. */
interface Progress {
  published: number;
  applied: number;
}

const PROGRESS_EVERY_MS = 30_000;

interface PipelineRun {
  readonly accepted: number;
  readonly alerts: number;
  /** Bytes of the events the bus archive kept (every event of the txnflow bus). */
  readonly archivedBytes: number;
  readonly aws: AwsCallCounts;
  readonly queues: QueueUsage;
  readonly lambdas: LambdaUsage[];
  /** The chunks the file was ingested in (1 when ingested whole). */
  readonly chunks: number;
}

interface PipelineTables {
  readonly documentClient: DynamoDBDocumentClient;
  /** Physical table names, by manifest table name. */
  readonly names: Readonly<Record<string, string>>;
}

function memoryOf(manifest: ServiceManifest, handler: string): number {
  return manifest.handlers.find((h) => h.name === handler)?.memoryMb ?? DEFAULT_MEMORY_MB;
}

/**
 * Runs `work` on every item of `queue` with at most `concurrency` at once, including items
 * added to the queue while it runs (a task that queues the next phase's tasks).
 */
function drain<T>(
  queue: T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  return new Promise((resolve, reject) => {
    let active = 0;
    let failed = false;
    const pump = () => {
      if (failed) return;
      if (queue.length === 0 && active === 0) return resolve();
      while (active < concurrency && queue.length > 0) {
        const item = queue.shift() as T;
        active += 1;
        work(item).then(
          () => {
            active -= 1;
            pump();
          },
          (error: unknown) => {
            failed = true;
            reject(error);
          },
        );
      }
    };
    pump();
  });
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
  options: RunOptions,
): Promise<PipelineRun> {
  const queues: QueueUsage = {
    ruleDeliveries: new Map(),
    mappingReceives: 0,
    mappingDeletes: 0,
    chunkTasks: 0,
  };
  const chunkTasks: string[] = [];
  const alerts: DeliveredEvent[] = [];
  const progress: Progress = { published: 0, applied: 0 };
  const { onProgress } = options;
  const ticker = onProgress
    ? setInterval(() => {
        const n = (k: number) => k.toLocaleString('en');
        onProgress(
          `${n(progress.published)} events published, ${n(progress.applied)} applied by the ledger`,
        );
      }, PROGRESS_EVERY_MS).unref()
    : undefined;
  let archivedBytes = 0;
  const spool = openSync(spoolFile, 'w');
  const fakes = fakeAwsServices(
    file,
    (event) => {
      const bytes = Buffer.byteLength(event.json);
      archivedBytes += bytes;
      for (const queue of queueRulesFor(event.detailType)) {
        queues.ruleDeliveries.set(queue, (queues.ruleDeliveries.get(queue) ?? 0) + chunksOf(bytes));
      }
      if (event.detailType === 'TransactionRecorded') {
        writeSync(spool, `${event.json}\n`);
        progress.published += 1;
      } else alerts.push(event);
    },
    (bodies) => chunkTasks.push(...bodies),
  );
  const lambdas = {
    ingest: lambdaUsage(ingestManifest, 'objectCreated'),
    chunkTask: lambdaUsage(ingestManifest, 'chunkTask'),
    ledger: lambdaUsage(ledgerManifest, 'transactionRecorded'),
    alerting: lambdaUsage(alertingManifest, 'highBalanceDetected'),
  };
  try {
    const ingest = await runIngest(file, tables, lambdas, chunkTasks, fakes.objects, options);
    queues.chunkTasks = lambdas.chunkTask.invocations;
    closeSync(spool);
    await runLedger(spoolFile, tables, lambdas.ledger, queues, options.concurrency, progress);
    await runAlerting(alerts, tables, lambdas.alerting, options.concurrency);
    return {
      accepted: ingest.accepted,
      chunks: ingest.chunks,
      alerts: alerts.length,
      archivedBytes,
      aws: fakes.counts,
      queues,
      lambdas: Object.values(lambdas).filter((l) => l.invocations > 0),
    };
  } finally {
    clearInterval(ticker);
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

/**
 * S3's "Object Created" to ingest's function; a file over `chunkBytes` is planned into chunks
 * whose tasks then run from the chunk queue, `concurrency` at once, each its own invocation.
 * The accepted count is the summary's, which ingest writes once every chunk is done.
 */
async function runIngest(
  file: string,
  tables: PipelineTables,
  usage: { ingest: LambdaUsage; chunkTask: LambdaUsage },
  chunkTasks: string[],
  written: ReadonlyMap<string, Buffer>,
  options: RunOptions,
): Promise<{ accepted: number; chunks: number }> {
  const key = `incoming/${encodeURIComponent(file.split('/').at(-1) ?? 'file')}`;
  const objects = new S3ObjectStore(new S3Client(REGION));
  const deps = {
    objects,
    store: new DynamoDbIngestStore(tables.documentClient, {
      customer: tables.names.Customer ?? '',
      transactions: tables.names.Transactions ?? '',
      uploads: tables.names.Uploads ?? '',
    }),
    publisher: publisherOn(),
    // Mocked and counted: a valid event dead-letters nothing.
    deadLetters: new SqsDeadLetterSink(new SQSClient(REGION), 'UploadsObjectCreatedToIngestDLQ'),
    log: QUIET,
  };
  const tasks = new DynamoDbUploadTasks(tables.documentClient, tables.names.UploadTasks ?? '');
  const queue = new SqsTaskQueue(new SQSClient(REGION), CHUNK_QUEUE);
  const chunking = { tasks, queue, chunkBytes: options.chunkBytes };
  const objectCreated = makeObjectCreatedHandler({ ...deps, chunking });
  const chunkTask = makeChunkTaskHandler({ ...deps, tasks, queue });
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
        key,
        size: statSync(file).size,
        etag: 'cost-report',
        'version-id': VERSION_ID,
        sequencer: '0',
      },
      'request-id': 'cost-report',
      requester: '123456789012',
      reason: 'PutObject',
    },
  };
  const outcome = await invocation(usage.ingest, () => objectCreated(event));
  if (outcome.kind === 'ingested') return { accepted: outcome.summary.accepted, chunks: 1 };
  if (outcome.kind !== 'chunked') {
    throw new Error(`the cost run's event was not ingested: ${JSON.stringify(outcome)}`);
  }
  let n = 0;
  let chunks = 0;
  await drain(chunkTasks, options.concurrency, async (body) => {
    n += 1;
    if (chunkTaskKind(body) === 'record') chunks += 1;
    const response = await invocation(usage.chunkTask, () =>
      chunkTask({ Records: [sqsRecord(`task${n}`, body)] }),
    );
    if (response.batchItemFailures.length > 0) throw new Error(`a chunk task failed: ${body}`);
  });
  const summary = written.get(reportKeysFor(key, VERSION_ID).summary);
  if (!summary) throw new Error(`no summary was written for the chunked upload ${key}`);
  return { accepted: (JSON.parse(summary.toString()) as { accepted: number }).accepted, chunks };
}

/**
 * The ledger's queue as its event source mapping drains it: batches of the manifest's size in
 * the order the events were published, `concurrency` invocations at once; a message a batch
 * reports failed is delivered again in a later batch (after its visibility timeout).
 */
async function runLedger(
  spoolFile: string,
  tables: PipelineTables,
  usage: LambdaUsage,
  queues: QueueUsage,
  concurrency: number,
  progress: Progress,
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
    progress.applied += done;
    // SQS delivers a failed message again after its visibility timeout.
    return records.filter((r) => failed.has(r.messageId));
  };
  const retries: SQSRecord[] = [];
  const inFlight = new Set<Promise<void>>();
  const start = (records: SQSRecord[]) => {
    const delivery = deliver(records).then((failed) => {
      retries.push(...failed);
      inFlight.delete(delivery);
    });
    inFlight.add(delivery);
  };
  let n = 0;
  for await (const line of createInterface({ input: createReadStream(spoolFile) })) {
    n += 1;
    pending.push(sqsRecord(`m${n}`, line));
    if (pending.length < batchSize) continue;
    start(pending);
    pending = [];
    if (inFlight.size >= concurrency) await Promise.race(inFlight);
  }
  if (pending.length > 0) start(pending);
  await Promise.all(inFlight);
  for (let round = 0; retries.length > 0; round += 1) {
    if (round === 10) throw new Error(`${retries.length} ledger message(s) still fail`);
    const again = retries.splice(0);
    await forEachBounded(batchesOf(again, batchSize), concurrency, async (records) => {
      retries.push(...(await deliver(records)));
    });
  }
}

async function runAlerting(
  alerts: readonly DeliveredEvent[],
  tables: PipelineTables,
  usage: LambdaUsage,
  concurrency: number,
): Promise<void> {
  const handler = makeHighBalanceDetectedHandler({
    store: new DynamoDbAlertStore(tables.documentClient, tables.names.Alerts ?? ''),
    notifier: new SnsEmailNotifier(new SNSClient(REGION), 'HighBalanceAlert'),
    deadLetters: new SqsDeadLetterSink(new SQSClient(REGION), 'HighBalanceToAlertingDLQ'),
    log: QUIET,
  });
  await forEachBounded(alerts, concurrency, async (alert) => {
    await invocation(usage, () => handler(JSON.parse(alert.json)));
  });
}

export type { LambdaUsage, PipelineRun, PipelineTables, QueueUsage, RunOptions };
export { runOnAwsAdapters };
