import { formatMoney, parseMoney } from '@txnflow/contracts';
import { RecordingPublisher } from '@txnflow/contracts/testing';
import Database from 'better-sqlite3';
import { SqliteIngestStore } from '../../src/adapters/local/sqlite-ingest-store.ts';
import { SqliteUploadTasks } from '../../src/adapters/local/sqlite-upload-tasks.ts';
import type { ChunkTask } from '../../src/domain/chunk-tasks.ts';
import { runChunkTask, startChunkedIngest } from '../../src/domain/chunked-ingest.ts';
import { type IngestSummary, ingestFile } from '../../src/domain/ingest-file.ts';
import type { UploadRef } from '../../src/domain/row-recorder.ts';
import { readChunkTask } from '../../src/edge/chunk-task-message.ts';
import type { IngestStore, TaskQueue } from '../../src/ports.ts';
import { MemoryObjectStore } from './fakes.ts';

const UPLOAD: UploadRef = {
  bucket: 'uploads',
  key: 'incoming/big.txt',
  versionId: 'v1',
  correlationId: 'upload-1',
  causationId: 'object-created-1',
};

/** A task queue in memory: what was sent, taken off in any order. */
class MemoryTaskQueue implements TaskQueue {
  readonly pending: string[] = [];
  sent = 0;

  async send(bodies: readonly string[]): Promise<void> {
    this.pending.push(...bodies);
    this.sent += bodies.length;
  }
}

/** How the driver runs the tasks: in which order, how many at once, which fail. */
interface DriveOptions {
  /** Picks the next task among those waiting. @default - the oldest */
  readonly pick?: (waiting: number) => number;
  /** Tasks run at once (their awaits interleave). @default 1 */
  readonly concurrency?: number;
  /** Whether this run of this task fails (as a crash or an error would), before or after its work. */
  readonly fails?: (task: ChunkTask, attempt: number) => 'before' | 'midway' | undefined;
  readonly batchSize?: number;
}

/** What one ingest left: its summary, reports, rows, customers, and the events it published. */
interface IngestResult {
  readonly summary: IngestSummary;
  readonly rejectsReport: string;
  readonly transactions: Awaited<ReturnType<IngestStore['listTransactions']>>;
  readonly customers: Awaited<ReturnType<IngestStore['listCustomers']>>;
  /** Each transaction published, once, as `customer/transaction amount date line`, sorted. */
  readonly published: string[];
  /** Each customer's balance over the transactions published: what the ledger would keep. */
  readonly balances: Record<string, string>;
  readonly tasksRun: number;
  readonly failures: number;
}

function publishedOf(publisher: RecordingPublisher) {
  const seen = new Map<string, string>();
  const balances = new Map<string, number>();
  for (const event of publisher.published) {
    const data = event.detail.data as {
      customerId: string;
      transactionId: string;
      amount: string;
      transactionDate: string;
      source: { line: number };
    };
    const key = `${data.customerId}/${data.transactionId}`;
    const text = `${key} ${data.amount} ${data.transactionDate} ${data.source.line}`;
    const before = seen.get(key);
    if (before !== undefined && before !== text) {
      throw new Error(`${key} was published twice with other data: ${before} / ${text}`);
    }
    if (before === undefined) {
      balances.set(data.customerId, (balances.get(data.customerId) ?? 0) + parseMoney(data.amount));
    }
    seen.set(key, text);
  }
  return {
    published: [...seen.values()].sort(),
    balances: Object.fromEntries(
      [...balances].map(([customer, cents]) => [customer, formatMoney(cents)]),
    ),
  };
}

async function resultOf(
  summary: IngestSummary,
  objects: MemoryObjectStore,
  store: IngestStore,
  publisher: RecordingPublisher,
  counts: { tasksRun: number; failures: number },
): Promise<IngestResult> {
  return {
    summary,
    rejectsReport: objects.text(UPLOAD.bucket, summary.rejectsReport) ?? '',
    transactions: await store.listTransactions(),
    customers: await store.listCustomers(),
    ...publishedOf(publisher),
    ...counts,
  };
}

/**
 * Ingests `file` in one run (ingestFile), on fresh tables: what a chunked run must equal.
 *
 * @example const whole = await ingestWhole(file);
 */
async function ingestWhole(file: Buffer, batchSize = 3): Promise<IngestResult> {
  const objects = new MemoryObjectStore();
  objects.put(UPLOAD.bucket, UPLOAD.key, file, UPLOAD.versionId);
  const store = new SqliteIngestStore(new Database(':memory:'));
  const publisher = new RecordingPublisher();
  const summary = await ingestFile(UPLOAD, { objects, store, publisher, batchSize });
  return resultOf(summary, objects, store, publisher, { tasksRun: 0, failures: 0 });
}

/**
 * Ingests `file` in chunks of `chunkBytes` on fresh tables, running the tasks as `options`
 * says; a failed task goes back on the queue, as SQS would deliver it again.
 *
 * @example const chunked = await ingestInChunks(file, 64, { concurrency: 3 });
 */
async function ingestInChunks(
  file: Buffer,
  chunkBytes: number,
  options: DriveOptions = {},
): Promise<IngestResult> {
  const objects = new MemoryObjectStore();
  objects.put(UPLOAD.bucket, UPLOAD.key, file, UPLOAD.versionId);
  const db = new Database(':memory:');
  const store = new SqliteIngestStore(db);
  const publisher = new RecordingPublisher();
  const queue = new MemoryTaskQueue();
  const deps = {
    objects,
    store,
    publisher,
    tasks: new SqliteUploadTasks(db),
    queue,
    batchSize: options.batchSize ?? 3,
  };
  const start = await startChunkedIngest(UPLOAD, deps, chunkBytes);
  if (start.kind === 'whole-file') throw new Error(`read whole: ${start.reason}`);
  const attempts = new Map<string, number>();
  const counts = { tasksRun: 0, failures: 0 };
  let summary: IngestSummary | undefined;
  const runOne = async (body: string) => {
    const read = readChunkTask(body);
    if (!read.ok) throw new Error(`not a task: ${JSON.stringify(read.issues)}`);
    const { task } = read;
    const attempt = (attempts.get(body) ?? 0) + 1;
    attempts.set(body, attempt);
    counts.tasksRun += 1;
    const failure = options.fails?.(task, attempt);
    try {
      if (failure === 'before') throw new Error('injected: failed before the task ran');
      const failingDeps = failure === 'midway' ? { ...deps, store: failingMidway(store) } : deps;
      const outcome = await runChunkTask(task, failingDeps);
      if (outcome.kind === 'summarized') summary = outcome.summary;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('injected')) throw error;
      counts.failures += 1;
      queue.pending.push(body);
    }
  };
  while (queue.pending.length > 0) {
    const batch: string[] = [];
    while (batch.length < (options.concurrency ?? 1) && queue.pending.length > 0) {
      const at = options.pick?.(queue.pending.length) ?? 0;
      batch.push(...queue.pending.splice(at % queue.pending.length, 1));
    }
    await Promise.all(batch.map(runOne));
  }
  if (!summary) throw new Error('the chunked run wrote no summary');
  return resultOf(summary, objects, store, publisher, counts);
}

/** A store whose second write of a run fails: a task that dies halfway through its rows. */
function failingMidway(store: IngestStore): IngestStore {
  let calls = 0;
  const fail = () => {
    calls += 1;
    if (calls === 2) throw new Error('injected: the task died halfway');
  };
  return {
    recordBatch: async (rows, uploadId, unit) => {
      fail();
      return store.recordBatch(rows, uploadId, unit);
    },
    putCustomers: (customers, uploadId) => store.putCustomers(customers, uploadId),
    markPublishedThrough: async (uploadId, line, unit) => {
      fail();
      return store.markPublishedThrough(uploadId, line, unit);
    },
    listCustomers: () => store.listCustomers(),
    listTransactions: (customerId) => store.listTransactions(customerId),
  };
}

export type { DriveOptions, IngestResult };
export { ingestInChunks, ingestWhole, UPLOAD };
