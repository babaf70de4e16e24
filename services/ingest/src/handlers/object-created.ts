import type { EventPublisher, Log } from '@txnflow/contracts';
import type { EventBridgeEvent } from 'aws-lambda';
import { type IngestSummary, ingestFile } from '../domain/ingest-file.ts';
import type { IngestStore, ObjectStore } from '../ports.ts';

/** The part of S3's "Object Created" EventBridge detail that ingest reads. */
interface ObjectCreatedDetail {
  readonly bucket: { readonly name: string };
  readonly object: { readonly key: string; readonly size?: number };
}

interface ObjectCreatedHandlerDeps {
  readonly objects: ObjectStore;
  readonly store: IngestStore;
  readonly publisher: EventPublisher;
  readonly log: Pick<Log, 'info'>;
}

/**
 * Ingest's entry: S3 sends "Object Created" to EventBridge, whose rule invokes this. The
 * S3 event id is the run's correlation id, so every event of one upload shares it.
 *
 * @example export const handler = makeObjectCreatedHandler(awsDeps());
 */
function makeObjectCreatedHandler(deps: ObjectCreatedHandlerDeps) {
  return async (
    event: EventBridgeEvent<'Object Created', ObjectCreatedDetail>,
  ): Promise<IngestSummary> => {
    const { bucket, object } = event.detail;
    const summary = await ingestFile(
      { bucket: bucket.name, key: object.key, correlationId: event.id, causationId: event.id },
      { objects: deps.objects, store: deps.store, publisher: deps.publisher },
    );
    deps.log.info('ingested file', {
      eventId: event.id,
      correlationId: summary.correlationId,
      causationId: event.id,
      bucket: summary.bucket,
      file: summary.file,
      accepted: summary.accepted,
      duplicates: summary.duplicates,
      rejected: summary.rejected.length,
    });
    return summary;
  };
}

export type { ObjectCreatedDetail, ObjectCreatedHandlerDeps };
export { makeObjectCreatedHandler };
