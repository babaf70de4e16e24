import {
  type DeadLetterSink,
  describeIssues,
  type EventPublisher,
  type Log,
} from '@txnflow/contracts';
import { startChunkedIngest } from '../domain/chunked-ingest.ts';
import { type IngestSummary, ingestFile } from '../domain/ingest-file.ts';
import type { UploadRef } from '../domain/row-recorder.ts';
import { uploadIdOf } from '../domain/upload-id.ts';
import { readObjectCreated } from '../edge/object-created-event.ts';
import type { IngestStore, ObjectStore, TaskQueue, UploadTasks } from '../ports.ts';

/** How large files are cut into chunks (see chunked-ingest.ts). */
interface ChunkingDeps {
  readonly tasks: UploadTasks;
  readonly queue: TaskQueue;
  /** A file whose data is larger is ingested in chunks of about this many bytes. */
  readonly chunkBytes: number;
}

interface ObjectCreatedHandlerDeps {
  readonly objects: ObjectStore;
  readonly store: IngestStore;
  readonly publisher: EventPublisher;
  /** Where an event that is not S3's "Object Created" goes, with the reason. */
  readonly deadLetters: DeadLetterSink;
  readonly log: Pick<Log, 'info' | 'warn'>;
  /** @default - every file is ingested in one run */
  readonly chunking?: ChunkingDeps;
}

/**
 * What became of one event: the file's summary; or its chunks queued (the chunk handler
 * writes the summary once the last is done); or why the event was dead-lettered.
 */
type ObjectCreatedOutcome =
  | { readonly kind: 'ingested'; readonly summary: IngestSummary }
  | { readonly kind: 'chunked'; readonly correlationId: string; readonly segments: number }
  | { readonly kind: 'dead-lettered'; readonly reason: string };

/** Queues the chunks of a large file, or says to read it whole (a small one, or any, unasked). */
async function chunkedOrWhole(
  upload: UploadRef,
  size: number | undefined,
  deps: ObjectCreatedHandlerDeps,
): Promise<{ readonly segments: number } | undefined> {
  const { chunking } = deps;
  // The event's size spares a small file any extra request.
  if (!chunking || (size !== undefined && size <= chunking.chunkBytes)) return undefined;
  const start = await startChunkedIngest(upload, { ...deps, ...chunking }, chunking.chunkBytes);
  if (start.kind === 'chunked') return start;
  deps.log.info('reading the file whole', {
    correlationId: upload.correlationId,
    why: start.reason,
  });
  return undefined;
}

/**
 * Ingest's entry: S3 sends "Object Created" to EventBridge, whose rule invokes this. The event
 * is checked first: one that is not a valid "Object Created" of a versioned bucket, or whose
 * key does not decode, goes to the dead-letter sink with the reason (a retry cannot fix it).
 * Otherwise the object version the event names is ingested, its key decoded from S3's form
 * encoding: in one run, or, when its data is larger than the chunk size, in chunks whose
 * tasks go to the chunk queue. The run's correlation id is that version's upload id (see
 * uploadIdOf), and the event's id its causation id. Any other error is thrown, so that it is
 * retried.
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
    const { eventId, bucket, key, versionId, size } = read.object;
    const upload: UploadRef = {
      bucket,
      key,
      versionId,
      correlationId: uploadIdOf({ bucket, key, versionId }),
      causationId: eventId,
    };
    const chunked = await chunkedOrWhole(upload, size, deps);
    if (chunked) {
      const { correlationId } = upload;
      deps.log.info('queued the chunks of a file', {
        eventId,
        correlationId,
        causationId: eventId,
        bucket,
        file: key,
        versionId,
        segments: chunked.segments,
      });
      return { kind: 'chunked', correlationId, segments: chunked.segments };
    }
    const summary = await ingestFile(upload, deps);
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

export type { ChunkingDeps, ObjectCreatedHandlerDeps, ObjectCreatedOutcome };
export { makeObjectCreatedHandler };
