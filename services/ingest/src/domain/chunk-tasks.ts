import type { FileHeader } from '../parsing/file-header.ts';
import type { ChunkSpan } from './chunk-plan.ts';
import type { UploadRef } from './row-recorder.ts';

/**
 * A large upload is ingested in chunks by tasks on the chunk queue, phase after phase; the
 * last task of a phase to finish starts the next one:
 * 1. `scan`, one per segment (the file's data cut every `segmentBytes`): the segment's record
 *    boundaries under every state it might start in (parsing/record-boundaries.ts);
 *    then the plan: the chunks, each starting on a record and knowing its first line.
 * 2. `keys`, one per chunk: the key hashes of its rows; then the keys shared between chunks.
 * 3. `record`, one per chunk: its rows recorded and published, but for those whose key an
 *    earlier chunk holds (deferred, see shared-keys.ts).
 * 4. `tail`, one chunk after another in file order: the deferred rows of each chunk that has
 *    any; then the summary and the rejects report, added up from every chunk.
 */

/** What every task of a chunked upload carries: the upload and all that decides its plan. */
interface ChunkedUpload extends UploadRef {
  /** The object version's size in bytes. */
  readonly size: number;
  /** The nominal chunk size: the file's data is scanned in segments of this many bytes. */
  readonly segmentBytes: number;
  readonly header: FileHeader;
}

/** A task about one chunk of the plan. */
interface ChunkOfPlan {
  readonly upload: ChunkedUpload;
  readonly chunk: ChunkSpan;
  /** How many chunks the upload has. */
  readonly chunks: number;
}

type ChunkTask =
  | { readonly kind: 'scan'; readonly upload: ChunkedUpload; readonly segment: number }
  | ({ readonly kind: 'keys' } & ChunkOfPlan)
  | ({ readonly kind: 'record' } & ChunkOfPlan)
  | {
      readonly kind: 'tail';
      readonly upload: ChunkedUpload;
      readonly chunks: number;
      /** The chunks that deferred rows, in file order. */
      readonly deferredIn: readonly number[];
      /** Which of them this task records: `deferredIn[next]`. */
      readonly next: number;
    };

/**
 * A task as the chunk queue carries it: an envelope naming what the message is, the way
 * events name themselves (`source`, `detail-type`), so whoever reads the queue can tell a
 * task from anything else (the local fault injector keys its decisions on it).
 */
interface ChunkTaskMessage {
  readonly source: typeof CHUNK_TASK_SOURCE;
  readonly 'detail-type': typeof CHUNK_TASK_TYPE;
  readonly detail: ChunkTask;
}

const CHUNK_TASK_SOURCE = 'txnflow.ingest';
const CHUNK_TASK_TYPE = 'IngestChunkTask';

/**
 * The message body of a task.
 *
 * @example queue.send(tasks.map(chunkTaskBody))
 */
function chunkTaskBody(task: ChunkTask): string {
  const message: ChunkTaskMessage = {
    source: CHUNK_TASK_SOURCE,
    'detail-type': CHUNK_TASK_TYPE,
    detail: task,
  };
  return JSON.stringify(message);
}

/** The phases whose tasks are counted (UploadTasks), and the steps that run once after them. */
type CountedPhase = 'scan' | 'keys' | 'record' | 'planned' | 'merged' | 'finished';

/**
 * The version of the planning rules: a plan is named by it and the segment size, so that
 * chunks of two different plans of one upload (a redeployment that changed the chunk size
 * while it ran) never share a unit or a watermark.
 */
const PLAN_VERSION = 'p1';

/**
 * The name of an upload's plan: what decides its chunks.
 *
 * @example planIdOf(upload) // 'p1.16777216'
 */
function planIdOf(upload: ChunkedUpload): string {
  return `${PLAN_VERSION}.${upload.segmentBytes}`;
}

/**
 * The unit (see IngestStore) of a chunk's rows, or of its deferred rows (`tail`).
 *
 * @example unitOf(upload, 'chunk', 3) // 'p1.16777216.c3'
 */
function unitOf(upload: ChunkedUpload, part: 'chunk' | 'tail', index: number): string {
  return `${planIdOf(upload)}.${part === 'chunk' ? 'c' : 't'}${index}`;
}

/**
 * The UploadTasks id of one phase of an upload's plan.
 *
 * @example phaseIdOf(upload, 'scan') // '<upload id>/p1.16777216/scan'
 */
function phaseIdOf(upload: ChunkedUpload, phase: CountedPhase): string {
  return `${upload.correlationId}/${planIdOf(upload)}/${phase}`;
}

export type { ChunkedUpload, ChunkTask, ChunkTaskMessage, CountedPhase };
export {
  CHUNK_TASK_SOURCE,
  CHUNK_TASK_TYPE,
  chunkTaskBody,
  PLAN_VERSION,
  phaseIdOf,
  planIdOf,
  unitOf,
};
