import type { DeadLetterSink, EventPublisher, Log } from '@txnflow/contracts';
import type { IngestLocalContext, LocalBucket } from '@txnflow/ingest';
import type { Database } from 'better-sqlite3';

/**
 * Everything any service's local wiring may ask of the runtime. Each service's
 * `createLocal…Handlers` takes the part it needs.
 */
interface LocalServiceContext {
  readonly db: Database;
  readonly publisher: EventPublisher;
  readonly bucket: LocalBucket;
  readonly topics: {
    publish(params: { topic: string; subject?: string; message: string }): { MessageId: string };
  };
  /** SendMessage and ChangeMessageVisibility, for a service that queues work for itself. */
  readonly queues: IngestLocalContext['queues'];
  readonly deadLettersFor: (handler: string) => DeadLetterSink;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Log;
}

export type { LocalServiceContext };
