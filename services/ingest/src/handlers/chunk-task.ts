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
import type { IngestStore, ObjectStore, TaskQueue, TaskRetries, UploadTasks } from '../ports.ts';

interface ChunkTaskHandlerDeps {
  readonly objects: ObjectStore;
  readonly store: IngestStore;
  readonly publisher: EventPublisher;
  readonly tasks: UploadTasks;
  readonly queue: TaskQueue & TaskRetries;
  /** Where a message that is not a chunk task goes, with the reason. */
  readonly deadLetters: DeadLetterSink;
  readonly log: Pick<Log, 'info' | 'warn'>;
  /** For the retry's jitter. @default Math.random */
  readonly random?: () => number;
}

/** The SQS event, as far as this handler reads it (Lambda's and the local runtime's alike). */
type ChunkQueueEvent = {
  readonly Records: readonly (Pick<
    SQSEvent['Records'][number],
    'messageId' | 'body' | 'receiptHandle'
  > & {
    readonly attributes: Pick<SQSEvent['Records'][number]['attributes'], 'ApproximateReceiveCount'>;
  })[];
};

/** The first retry's delay; each receive after doubles it. */
const FIRST_RETRY_SECONDS = 30;
/** The longest delay between two tries of a task. */
const MAX_RETRY_SECONDS = 900;

/**
 * How long a task that failed on its `receives`-th receive waits before the next: 30 s, then
 * doubling up to 15 minutes, each between half and all of that (so that chunks that failed
 * together, throttled by the same table, do not all come back at once).
 *
 * @example retryDelaySeconds(3, () => 1) // 120
 */
function retryDelaySeconds(receives: number, random: () => number = Math.random): number {
  const doublings = Math.max(0, Math.min(receives, 16) - 1);
  const ceiling = Math.min(MAX_RETRY_SECONDS, FIRST_RETRY_SECONDS * 2 ** doublings);
  return Math.ceil(ceiling / 2 + (random() * ceiling) / 2);
}

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
 * alone is received again, after a backoff it sets on the message (see retryDelaySeconds),
 * and after the queue's receive count lands in its dead-letter queue.
 *
 * @example export const handler = makeChunkTaskHandler(awsDeps());
 */
function makeChunkTaskHandler(deps: ChunkTaskHandlerDeps) {
  // Without the backoff the task still comes back, after the queue's visibility timeout.
  async function retryLater(receiptHandle: string, seconds: number, task: ChunkTask) {
    try {
      await deps.queue.retryIn(receiptHandle, seconds);
    } catch (error) {
      deps.log.warn("could not set the task's retry; it is retried after the queue's timeout", {
        ...idsOf(task),
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }

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
        const receives = Number(record.attributes.ApproximateReceiveCount) || 1;
        const retryInSeconds = retryDelaySeconds(receives, deps.random);
        deps.log.warn('chunk task failed; it is retried', {
          ...idsOf(read.task),
          error: message,
          receives,
          retryInSeconds,
        });
        await retryLater(record.receiptHandle, retryInSeconds, read.task);
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    }
    return { batchItemFailures };
  };
}

export type { ChunkQueueEvent, ChunkTaskHandlerDeps };
export { makeChunkTaskHandler, retryDelaySeconds };
