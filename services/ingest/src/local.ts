import type { DeadLetterSink, EventPublisher, Log } from '@txnflow/contracts';
import type { Database } from 'better-sqlite3';
import { type LocalBucket, RuntimeObjectStore } from './adapters/local/runtime-object-store.ts';
import {
  type LocalUploadBucket,
  RuntimeUploadTarget,
} from './adapters/local/runtime-upload-target.ts';
import { SqliteIngestStore } from './adapters/local/sqlite-ingest-store.ts';
import { SqliteUploadTasks } from './adapters/local/sqlite-upload-tasks.ts';
import { readIngestConfig } from './config.ts';
import { makeChunkTaskHandler } from './handlers/chunk-task.ts';
import { makeObjectCreatedHandler } from './handlers/object-created.ts';
import { createIngestApi } from './http/ingest-api.ts';
import { CHUNK_QUEUE } from './manifest.ts';
import type { TaskQueue, TaskRetries } from './ports.ts';

/** What the embedded local runtime lends ingest. */
interface IngestLocalContext {
  readonly db: Database;
  readonly publisher: EventPublisher;
  readonly bucket: LocalBucket;
  /** The runtime's SendMessage and ChangeMessageVisibility. */
  readonly queues: {
    send(params: { queue: string; body: string }): unknown;
    changeVisibility(params: {
      queue: string;
      receiptHandle: string;
      visibilityTimeoutSeconds: number;
    }): void;
  };
  readonly deadLettersFor: (handler: string) => DeadLetterSink;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Pick<Log, 'info' | 'warn'>;
}

/**
 * Chunks exist to keep each Lambda invocation within its 900 s; the local runtime runs a
 * file in one process with no such limit, where chunks only add a second pass over the file
 * (the keys phase) and hold the ledger back until a chunk is recorded: 200,000 rows took about
 * 15% longer in two chunks, 1,000,000 rows in eight about as long (docs/benchmarks.md). So
 * locally a file is chunked only when `INGEST_CHUNK_BYTES` says so; the plan and code are AWS's.
 */
const LOCAL_DEFAULTS = { chunkBytes: Number.MAX_SAFE_INTEGER };

/**
 * Ingest's handlers wired to the local adapters, keyed by the manifest's handler names: the
 * same chunking as on AWS when `INGEST_CHUNK_BYTES` is set (none by default, see
 * LOCAL_DEFAULTS), its tasks on the runtime's chunk queue.
 *
 * @example runtime.registerHandler('objectCreated', createLocalIngestHandlers(ctx).objectCreated)
 */
function createLocalIngestHandlers(ctx: IngestLocalContext) {
  const { chunkBytes } = readIngestConfig(ctx.env, LOCAL_DEFAULTS);
  const objects = new RuntimeObjectStore(ctx.bucket);
  const store = new SqliteIngestStore(ctx.db);
  const tasks = new SqliteUploadTasks(ctx.db);
  const queue: TaskQueue & TaskRetries = {
    async send(bodies) {
      for (const body of bodies) ctx.queues.send({ queue: CHUNK_QUEUE, body });
    },
    async retryIn(receiptHandle, seconds) {
      ctx.queues.changeVisibility({
        queue: CHUNK_QUEUE,
        receiptHandle,
        visibilityTimeoutSeconds: seconds,
      });
    },
  };
  return {
    objectCreated: makeObjectCreatedHandler({
      objects,
      store,
      publisher: ctx.publisher,
      deadLetters: ctx.deadLettersFor('objectCreated'),
      log: ctx.log,
      chunking: { tasks, queue, chunkBytes },
    }),
    chunkTask: makeChunkTaskHandler({
      objects,
      store,
      publisher: ctx.publisher,
      tasks,
      queue,
      deadLetters: ctx.deadLettersFor('chunkTask'),
      log: ctx.log,
    }),
  };
}

/** What ingest's API needs of the local runtime. */
interface IngestLocalApiContext {
  readonly db: Database;
  readonly bucket: LocalUploadBucket;
  /** The uploads bucket's local name. */
  readonly bucketName: string;
  readonly maxUploadBytes: number;
  readonly log: Pick<Log, 'error'>;
}

/**
 * Ingest's API on the local adapters: its SQLite tables, uploads streamed into the local bucket.
 *
 * @example app.route('/api/ingest', createLocalIngestApi({ db, bucket: runtime, bucketName, maxUploadBytes, log }));
 */
function createLocalIngestApi(ctx: IngestLocalApiContext) {
  return createIngestApi({
    queries: new SqliteIngestStore(ctx.db),
    uploads: new RuntimeUploadTarget(ctx.bucket, ctx.bucketName),
    maxUploadBytes: ctx.maxUploadBytes,
    log: ctx.log,
  });
}

export type { IngestLocalApiContext, IngestLocalContext };
export { createLocalIngestApi, createLocalIngestHandlers };
