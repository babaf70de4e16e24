import {
  type DeadLetterSink,
  describeIssues,
  type EventPublisher,
  type Log,
} from '@txnflow/contracts';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import type { ChunkTask } from '../domain/chunk-tasks.ts';
import { type ChunkTaskOutcome, runChunkTask } from '../domain/chunked-ingest.ts';
import { readChunkTask } from '../edge/chunk-task-message.ts';
import type { IngestStore, ObjectStore, TaskQueue, UploadTasks } from '../ports.ts';

interface ChunkTaskHandlerDeps {
  readonly objects: ObjectStore;
  readonly store: IngestStore;
  readonly publisher: EventPublisher;
  readonly tasks: UploadTasks;
  readonly queue: TaskQueue;
  /** Where a message that is not a chunk task goes, with the reason. */
  readonly deadLetters: DeadLetterSink;
  readonly log: Pick<Log, 'info' | 'warn'>;
}

/** The SQS event, as far as this handler reads it (Lambda's and the local runtime's alike). */
type ChunkQueueEvent = {
  readonly Records: readonly Pick<SQSEvent['Records'][number], 'messageId' | 'body'>[];
};

/** The ids a trace follows, and where in the file the task is. */
function idsOf(task: ChunkTask) {
  const { upload } = task;
  const where =
    task.kind === 'scan'
      ? { segment: task.segment }
      : task.kind === 'tail'
        ? { chunk: task.deferredIn[task.next] }
        : { chunk: task.chunk.index, firstLine: task.chunk.firstLine };
  return {
    correlationId: upload.correlationId,
    causationId: upload.causationId,
    file: upload.key,
    versionId: upload.versionId,
    task: task.kind,
    ...where,
  };
}

function logOutcome(deps: ChunkTaskHandlerDeps, task: ChunkTask, outcome: ChunkTaskOutcome): void {
  deps.log.info('ran a chunk task', idsOf(task));
  if (outcome.kind !== 'summarized') return;
  const { summary } = outcome;
  deps.log.info('ingested file', {
    correlationId: summary.correlationId,
    causationId: task.upload.causationId,
    bucket: summary.bucket,
    file: summary.file,
    versionId: summary.versionId,
    accepted: summary.accepted,
    duplicates: summary.duplicates,
    rejected: summary.rejected.length,
  });
}

/**
 * The chunk queue's consumer: each message is one task of a chunked upload (see
 * chunk-tasks.ts). A message that is not a task goes to the dead-letter sink with the reason
 * (a retry cannot fix it); a task that fails is reported in `batchItemFailures`, so that it
 * alone is received again, and after the queue's receive count lands in its dead-letter queue.
 *
 * @example export const handler = makeChunkTaskHandler(awsDeps());
 */
function makeChunkTaskHandler(deps: ChunkTaskHandlerDeps) {
  return async (event: ChunkQueueEvent): Promise<SQSBatchResponse> => {
    const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
    for (const record of event.Records) {
      const read = readChunkTask(record.body);
      if (!read.ok) {
        const reason = describeIssues(read.issues);
        deps.log.warn('dead-lettering a chunk queue message that is not a task', {
          messageId: record.messageId,
          reason,
        });
        await deps.deadLetters.send(record.body, reason);
        continue;
      }
      try {
        logOutcome(deps, read.task, await runChunkTask(read.task, deps));
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        deps.log.warn('chunk task failed; it is retried', { ...idsOf(read.task), error: message });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

export type { ChunkQueueEvent, ChunkTaskHandlerDeps };
export { makeChunkTaskHandler };
