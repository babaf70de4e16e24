import type { DeadLetterSink, EventPublisher, Log } from '@txnflow/contracts';
import type { Database } from 'better-sqlite3';
import { type LocalBucket, RuntimeObjectStore } from './adapters/local/runtime-object-store.ts';
import { SqliteIngestStore } from './adapters/local/sqlite-ingest-store.ts';
import { makeObjectCreatedHandler } from './handlers/object-created.ts';

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

export type { IngestLocalContext };
export { createLocalIngestHandlers };
