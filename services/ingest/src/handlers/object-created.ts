import {
  type DeadLetterSink,
  describeIssues,
  type EventPublisher,
  type Log,
} from '@txnflow/contracts';
import { type IngestSummary, ingestFile } from '../domain/ingest-file.ts';
import { uploadIdOf } from '../domain/upload-id.ts';
import { readObjectCreated } from '../edge/object-created-event.ts';
import type { IngestStore, ObjectStore } from '../ports.ts';

interface ObjectCreatedHandlerDeps {
  readonly objects: ObjectStore;
  readonly store: IngestStore;
  readonly publisher: EventPublisher;
  /** Where an event that is not S3's "Object Created" goes, with the reason. */
  readonly deadLetters: DeadLetterSink;
  readonly log: Pick<Log, 'info' | 'warn'>;
}

/** What became of one event: the file's summary, or why the event was dead-lettered. */
type ObjectCreatedOutcome =
  | { readonly kind: 'ingested'; readonly summary: IngestSummary }
  | { readonly kind: 'dead-lettered'; readonly reason: string };

/**
 * Ingest's entry: S3 sends "Object Created" to EventBridge, whose rule invokes this. The event
 * is checked first: one that is not a valid "Object Created" of a versioned bucket, or whose
 * key does not decode, goes to the dead-letter sink with the reason (a retry cannot fix it).
 * Otherwise the object version the event names is ingested, its key decoded from S3's form
 * encoding; the run's correlation id is that version's upload id (see uploadIdOf), and the
 * event's id its causation id. Any other error is thrown, so that it is retried.
 *
 * @example export const handler = makeObjectCreatedHandler(awsDeps());
 */
function makeObjectCreatedHandler(deps: ObjectCreatedHandlerDeps) {
  return async (event: unknown): Promise<ObjectCreatedOutcome> => {
    const read = readObjectCreated(event);
    if (!read.ok) {
      const reason = describeIssues(read.issues);
      deps.log.warn('dead-lettering an invalid "Object Created" event', { reason });
      await deps.deadLetters.send(JSON.stringify(event) ?? String(event), reason);
      return { kind: 'dead-lettered', reason };
    }
    const { eventId, bucket, key, versionId } = read.object;
    const summary = await ingestFile(
      {
        bucket,
        key,
        versionId,
        correlationId: uploadIdOf({ bucket, key, versionId }),
        causationId: eventId,
      },
      { objects: deps.objects, store: deps.store, publisher: deps.publisher },
    );
    deps.log.info('ingested file', {
      eventId,
      correlationId: summary.correlationId,
      causationId: eventId,
      bucket: summary.bucket,
      file: summary.file,
      versionId,
      accepted: summary.accepted,
      duplicates: summary.duplicates,
      rejected: summary.rejected.length,
    });
    return { kind: 'ingested', summary };
  };
}

export type { ObjectCreatedHandlerDeps, ObjectCreatedOutcome };
export { makeObjectCreatedHandler };
