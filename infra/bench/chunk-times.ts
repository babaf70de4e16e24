// `npm run bench:chunks -- --rows N [--chunk-bytes B] [--customers N] [--json]`: how long
// each task of a chunked ingest takes on ingest's AWS adapters against DynamoDB Local, one
// task at a time as each would run in its own invocation, and what that predicts for
// 10,000,000 rows on AWS at the chunk queue's concurrency. A script; asserts nothing.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createEventPublisher, resolveManifest } from '@txnflow/contracts';
import { createEventBridgeTransport, SqsDeadLetterSink } from '@txnflow/contracts/aws';
import {
  CHUNK_QUEUE,
  DEFAULT_CHUNK_BYTES,
  ingestManifest,
  makeChunkTaskHandler,
  makeObjectCreatedHandler,
  type UploadTasks,
} from '@txnflow/ingest';
import { mockClient } from 'aws-sdk-client-mock';
import { DynamoDbIngestStore } from '../../services/ingest/src/adapters/aws/dynamodb-ingest-store.ts';
import { DynamoDbUploadTasks } from '../../services/ingest/src/adapters/aws/dynamodb-upload-tasks.ts';
import { S3ObjectStore } from '../../services/ingest/src/adapters/aws/s3-object-store.ts';
import { SqsTaskQueue } from '../../services/ingest/src/adapters/aws/sqs-task-queue.ts';
import {
  dynamoDbLocalAvailability,
  startDynamoDbLocal,
} from '../../test/support/dynamodb-local.ts';
import { chunkTaskKind, fakeS3 } from './cost/aws-fakes.ts';
import { generateTransactionsFile } from './generate-transactions.ts';

const REGION = { region: 'us-east-1' };
/** How long each step that follows a phase took (plan, merge, finish), by step. */
const stepSeconds = new Map<string, number>();

/**
 * The UploadTasks port, timing the steps between phases: a step runs right after the
 * phase's last task is marked, and ends with its own mark (`…/planned`, `…/merged`,
 * `…/finished`). Tasks run one at a time here, so the mark before a step's is its phase's.
 */
function timedSteps(tasks: UploadTasks): UploadTasks {
  let lastMark = process.hrtime.bigint();
  return {
    async markDone(phaseId, task) {
      const step = /\/(planned|merged|finished)$/.exec(phaseId)?.[1];
      if (step) stepSeconds.set(step, Number(process.hrtime.bigint() - lastMark) / 1e9);
      const done = await tasks.markDone(phaseId, task);
      lastMark = process.hrtime.bigint();
      return done;
    },
    countDone: (phaseId) => tasks.countDone(phaseId),
  };
}

const QUIET = { info() {}, warn() {} };
const QUEUE_URL = `https://sqs.us-east-1.amazonaws.com/123456789012/${CHUNK_QUEUE}`;
const TARGET_ROWS = 10_000_000;

/** One task's run: its kind and how long it took, the step after its phase taken out. */
interface TaskTime {
  readonly kind: string;
  readonly seconds: number;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

const round = (n: number, digits = 2) => Number(n.toFixed(digits));

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '1000000' },
      customers: { type: 'string', default: '10000' },
      'chunk-bytes': { type: 'string', default: String(DEFAULT_CHUNK_BYTES) },
      json: { type: 'boolean', default: false },
    },
  });
  const rows = Number(values.rows);
  const chunkBytes = Number(values['chunk-bytes']);
  const availability = await dynamoDbLocalAvailability();
  if (!availability.available) throw new Error(`DynamoDB Local: ${availability.reason}`);
  const dir = await mkdtemp(join(tmpdir(), 'txnflow-chunks-'));
  const dynamo = await startDynamoDbLocal(availability.emulatorDir);
  const mocks: { restore(): void }[] = [];
  try {
    const file = join(dir, 'transactions.txt');
    await generateTransactionsFile(file, { rows, customers: Number(values.customers), seed: 1 });
    const { size } = await stat(file);
    const key = 'incoming/transactions.txt';
    const names = await dynamo.createTables(ingestManifest.tables);
    const queued: string[] = [];
    let events = 0;
    mocks.push(fakeS3(file));
    const sqs = mockClient(SQSClient);
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { MessageBody: string }[] }) => {
      queued.push(...input.Entries.map((e) => e.MessageBody));
      return { Successful: [], Failed: [] };
    });
    sqs.on(SendMessageCommand).resolves({ MessageId: randomUUID() });
    const eventBridge = mockClient(EventBridgeClient);
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => {
      events += input.Entries.length;
      return { FailedEntryCount: 0, Entries: input.Entries.map(() => ({ EventId: randomUUID() })) };
    });
    mocks.push(sqs, eventBridge);

    const deps = {
      objects: new S3ObjectStore(new S3Client(REGION)),
      store: new DynamoDbIngestStore(dynamo.documentClient, {
        customer: names.Customer ?? '',
        transactions: names.Transactions ?? '',
        uploads: names.Uploads ?? '',
      }),
      publisher: createEventPublisher({
        transport: createEventBridgeTransport(new EventBridgeClient(REGION)),
        eventBusName: 'txnflow',
      }),
      deadLetters: new SqsDeadLetterSink(new SQSClient(REGION), `${QUEUE_URL}DLQ`),
      log: QUIET,
    };
    const tasks = timedSteps(
      new DynamoDbUploadTasks(dynamo.documentClient, names.UploadTasks ?? ''),
    );
    const queue = new SqsTaskQueue(new SQSClient(REGION), QUEUE_URL);
    const objectCreated = makeObjectCreatedHandler({
      ...deps,
      chunking: { tasks, queue, chunkBytes },
    });
    const chunkTask = makeChunkTaskHandler({ ...deps, tasks, queue });

    if (!values.json) console.error(`ingesting ${rows.toLocaleString('en')} rows in chunks...`);
    const started = process.hrtime.bigint();
    const planned = await objectCreated({
      id: 'chunk-times',
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: { bucket: { name: 'uploads' }, object: { key, size, 'version-id': 'v1' } },
    });
    const planSeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (planned.kind !== 'chunked') throw new Error(`not chunked: ${JSON.stringify(planned)}`);
    const times: TaskTime[] = [];
    while (queued.length > 0) {
      const body = queued.shift() as string;
      const kind = chunkTaskKind(body);
      const stepsBefore = [...stepSeconds.values()].reduce((a, b) => a + b, 0);
      const t0 = process.hrtime.bigint();
      const messageId = randomUUID();
      const response = await chunkTask({
        Records: [
          {
            messageId,
            body,
            receiptHandle: messageId,
            attributes: { ApproximateReceiveCount: '1' },
          },
        ],
      });
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      if (response.batchItemFailures.length > 0) throw new Error(`a ${kind} task failed`);
      const stepsAfter = [...stepSeconds.values()].reduce((a, b) => a + b, 0);
      times.push({ kind, seconds: seconds - (stepsAfter - stepsBefore) });
    }
    const wall = Number(process.hrtime.bigint() - started) / 1e9;
    report({ rows, size, chunkBytes, planSeconds, wall, times, events }, values.json ?? false);
  } finally {
    for (const mock of mocks) mock.restore();
    await dynamo.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

interface Measured {
  readonly rows: number;
  readonly size: number;
  readonly chunkBytes: number;
  readonly planSeconds: number;
  readonly wall: number;
  readonly times: readonly TaskTime[];
  readonly events: number;
}

/**
 * Prints the measured times per kind of task and the estimate for 10,000,000 rows: each
 * phase's tasks run in waves of the chunk queue's maximum concurrency, each wave as long as
 * the p90 of that kind of task measured here (the tasks are of the same size at any file
 * size), then the step that follows the phase, scaled with what it reads: the plan with the
 * segments, the merge with the rows (their key hashes), the finish with the chunks.
 */
function report(m: Measured, json: boolean): void {
  const kinds = ['scan', 'keys', 'record', 'tail'];
  const steps = Object.fromEntries([...stepSeconds].map(([k, v]) => [k, round(v, 3)]));
  const byKind = Object.fromEntries(
    kinds.map((kind) => {
      const runs = m.times.filter((t) => t.kind === kind).map((t) => t.seconds);
      return [
        kind,
        {
          tasks: runs.length,
          median: round(percentile(runs, 0.5)),
          p90: round(percentile(runs, 0.9)),
          max: round(Math.max(0, ...runs)),
        },
      ];
    }),
  );
  const concurrency =
    resolveManifest(ingestManifest).queues.find((q) => q.name === CHUNK_QUEUE)?.consumer
      ?.maxConcurrency ?? 1;
  const chunks = byKind.record?.tasks ?? 1;
  const rowsPerChunk = m.rows / chunks;
  const targetChunks = Math.ceil(TARGET_ROWS / rowsPerChunk);
  const waves = Math.ceil(targetChunks / concurrency);
  const scale = TARGET_ROWS / m.rows;
  const p90 = (kind: string) => (byKind[kind] as { p90: number }).p90;
  // A step ran inside its phase's last task: take it out of that task's time.
  const estimate =
    m.planSeconds +
    waves * p90('scan') +
    (stepSeconds.get('planned') ?? 0) * scale +
    waves * p90('keys') +
    (stepSeconds.get('merged') ?? 0) * scale +
    waves * p90('record') +
    (stepSeconds.get('finished') ?? 0) * scale;
  const out = {
    rows: m.rows,
    bytes: m.size,
    chunkBytes: m.chunkBytes,
    chunks,
    rowsPerChunk: Math.round(rowsPerChunk),
    events: m.events,
    planSeconds: round(m.planSeconds),
    tasks: byKind,
    stepSeconds: steps,
    sequentialSeconds: round(m.wall),
    estimateFor10MRows: {
      concurrency,
      chunks: targetChunks,
      waves,
      seconds: round(estimate, 0),
    },
  };
  if (json) {
    console.log(JSON.stringify(out));
    return;
  }
  console.log(
    `\nchunked ingest on the AWS adapters (DynamoDB Local; S3, SQS, EventBridge mocked)\n` +
      `${m.rows.toLocaleString('en')} rows, ${m.size.toLocaleString('en')} bytes, chunks of ` +
      `${m.chunkBytes.toLocaleString('en')} bytes: ${chunks} chunks of about ` +
      `${Math.round(rowsPerChunk).toLocaleString('en')} rows\n`,
  );
  console.log('task     count  median s  p90 s  max s');
  for (const kind of kinds) {
    const k = byKind[kind] as Record<string, number>;
    console.log(
      `${kind.padEnd(8)} ${String(k.tasks).padStart(5)}  ${String(k.median).padStart(8)}  ` +
        `${String(k.p90).padStart(5)}  ${String(k.max).padStart(5)}`,
    );
  }
  console.log(`steps after a phase (s, within its last task): ${JSON.stringify(steps)}`);
  console.log(
    `\nplanning (object-created): ${round(m.planSeconds)} s; every task one after another: ` +
      `${round(m.wall)} s\n10,000,000 rows at ${concurrency} tasks at once: ${targetChunks} chunks, ` +
      `${waves} waves per phase: about ${round(estimate, 0)} s ` +
      `(${round(estimate / 60, 1)} min) from the measured p90 task times`,
  );
}

await main();
