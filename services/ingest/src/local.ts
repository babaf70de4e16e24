import type { DeadLetterSink, EventPublisher, Log } from '@txnflow/contracts';
import type { Database } from 'better-sqlite3';
import { type LocalBucket, RuntimeObjectStore } from './adapters/local/runtime-object-store.ts';
import {
  type LocalUploadBucket,
  RuntimeUploadTarget,
} from './adapters/local/runtime-upload-target.ts';
import { SqliteIngestStore } from './adapters/local/sqlite-ingest-store.ts';
import { makeObjectCreatedHandler } from './handlers/object-created.ts';
import { createIngestApi } from './http/ingest-api.ts';

/** What the embedded local runtime lends ingest. */
interface IngestLocalContext {
  readonly db: Database;
  readonly publisher: EventPublisher;
  readonly bucket: LocalBucket;
  readonly deadLettersFor: (handler: string) => DeadLetterSink;
  readonly log: Pick<Log, 'info' | 'warn'>;
}

/**
 * Ingest's handlers wired to the local adapters, keyed by the manifest's handler names.
 *
 * @example runtime.registerHandler('objectCreated', createLocalIngestHandlers(ctx).objectCreated)
 */
function createLocalIngestHandlers(ctx: IngestLocalContext) {
  return {
    objectCreated: makeObjectCreatedHandler({
      objects: new RuntimeObjectStore(ctx.bucket),
      store: new SqliteIngestStore(ctx.db),
      publisher: ctx.publisher,
      deadLetters: ctx.deadLettersFor('objectCreated'),
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
