import { readFileHeader } from '../parsing/file-header.ts';
import { readChunkRows } from '../parsing/read-transaction-rows.ts';
import { SegmentScanner } from '../parsing/record-boundaries.ts';
import type { ObjectStore, TaskQueue, TransactionRow, UploadTasks } from '../ports.ts';
import { bytesOf, ChunkArtifacts, type RecordResult } from './chunk-artifacts.ts';
import { ChunkPlanError, type ChunkSpan, planChunks, segmentsOf } from './chunk-plan.ts';
import {
  type ChunkedUpload,
  type ChunkTask,
  type CountedPhase,
  chunkTaskBody,
  phaseIdOf,
  unitOf,
} from './chunk-tasks.ts';
import { RowRecorder, type RowRecorderDeps, type UploadRef } from './row-recorder.ts';
import {
  isDeferred,
  KeySetBuilder,
  type SharedKeys,
  sharedKeysOf,
  transactionKeyHash,
} from './shared-keys.ts';
import { type IngestSummary, summaryOf, writeSummary } from './summary.ts';

/** Bytes read from a file's start to find its header. */
const HEAD_BYTES = 64 * 1024;

interface ChunkedIngestDeps extends RowRecorderDeps {
  readonly objects: ObjectStore;
  readonly tasks: UploadTasks;
  readonly queue: TaskQueue;
}

/** What became of a task: the summary when it was the upload's last. */
type ChunkTaskOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'summarized'; readonly summary: IngestSummary };

const DONE: ChunkTaskOutcome = { kind: 'done' };

const send = (deps: ChunkedIngestDeps, tasks: readonly ChunkTask[]) =>
  deps.queue.send(tasks.map(chunkTaskBody));

/**
 * Plans a large upload, or says to read it whole. Reads the version's size and its first
 * bytes (a range): a file whose data fits in one chunk, or whose header chunking cannot use
 * (see readFileHeader), is read whole by the caller. Otherwise it queues one `scan` task per
 * segment of `chunkBytes` and returns how many.
 *
 * @example const start = await startChunkedIngest(upload, deps, 16 * 1024 * 1024);
 */
async function startChunkedIngest(
  upload: UploadRef,
  deps: ChunkedIngestDeps,
  chunkBytes: number,
): Promise<
  | { readonly kind: 'whole-file'; readonly reason: string }
  | { readonly kind: 'chunked'; readonly segments: number }
> {
  const { bucket, key, versionId } = upload;
  const size = await deps.objects.size(bucket, key, versionId);
  const range = { start: 0, end: Math.min(size, HEAD_BYTES) };
  const head = await bytesOf(await deps.objects.read(bucket, key, versionId, range));
  const read = readFileHeader(head, key);
  if (read.kind === 'whole-file') return read;
  if (size - read.header.dataStart <= chunkBytes) {
    return { kind: 'whole-file', reason: 'its data fits in one chunk' };
  }
  const chunked: ChunkedUpload = { ...upload, size, segmentBytes: chunkBytes, header: read.header };
  const segments = segmentsOf(size, read.header.dataStart, chunkBytes);
  await send(
    deps,
    segments.map((_, segment) => ({ kind: 'scan', upload: chunked, segment })),
  );
  return { kind: 'chunked', segments: segments.length };
}

/**
 * Marks a task of a phase done and, when it was the phase's last, runs `next` once: a task
 * delivered again after the phase finished finds `next` done (its own mark, `after`) and
 * does nothing; one that failed inside `next` runs it again on its retry.
 */
async function finishTask(
  deps: ChunkedIngestDeps,
  upload: ChunkedUpload,
  phase: CountedPhase,
  task: number,
  total: number,
  after: { readonly phase: CountedPhase; readonly next: () => Promise<ChunkTaskOutcome> },
): Promise<ChunkTaskOutcome> {
  const done = await deps.tasks.markDone(phaseIdOf(upload, phase), task);
  if (done < total) return DONE;
  const step = phaseIdOf(upload, after.phase);
  if ((await deps.tasks.countDone(step)) > 0) return DONE;
  const outcome = await after.next();
  await deps.tasks.markDone(step, 0);
  return outcome;
}

async function scanSegment(
  task: Extract<ChunkTask, { kind: 'scan' }>,
  deps: ChunkedIngestDeps,
): Promise<ChunkTaskOutcome> {
  const { upload, segment } = task;
  const segments = segmentsOf(upload.size, upload.header.dataStart, upload.segmentBytes);
  const range = segments[segment];
  if (!range) throw new ChunkPlanError(`${upload.key} has no segment ${segment}`);
  // One byte past the end, when there is one: a CR just before it counts once if an LF follows.
  const end = Math.min(upload.size, range.end + 1);
  const scanner = new SegmentScanner(upload.header, range.start, range.end);
  let next: number | undefined;
  const body = await deps.objects.read(upload.bucket, upload.key, upload.versionId, {
    start: range.start,
    end,
  });
  let at = range.start;
  for await (const part of body) {
    scanner.feed(part);
    if (at + part.length > range.end) next = part[range.end - at];
    at += part.length;
  }
  const artifacts = new ChunkArtifacts(deps.objects, upload);
  await artifacts.writeScan(segment, scanner.finish(next));
  return finishTask(deps, upload, 'scan', segment, segments.length, {
    phase: 'planned',
    next: () => planUpload(upload, segments.length, deps),
  });
}

/** Every segment scanned: the chunks, and a `keys` task each. */
async function planUpload(
  upload: ChunkedUpload,
  segments: number,
  deps: ChunkedIngestDeps,
): Promise<ChunkTaskOutcome> {
  const artifacts = new ChunkArtifacts(deps.objects, upload);
  const scans = [];
  for (let segment = 0; segment < segments; segment += 1) {
    scans.push(await artifacts.readScan(segment));
  }
  const chunks = planChunks(scans, upload.size);
  await artifacts.writePlan(chunks);
  await send(
    deps,
    chunks.map((chunk) => ({ kind: 'keys', upload, chunk, chunks: chunks.length })),
  );
  return DONE;
}

/** The rows of a chunk, parsed: each accepted row or rejection, in line order. */
async function* rowsOfChunk(upload: ChunkedUpload, chunk: ChunkSpan, deps: ChunkedIngestDeps) {
  const body = await deps.objects.read(upload.bucket, upload.key, upload.versionId, chunk);
  yield* readChunkRows(body, upload.key, upload.header, chunk.firstLine);
}

async function listKeys(
  task: Extract<ChunkTask, { kind: 'keys' }>,
  deps: ChunkedIngestDeps,
): Promise<ChunkTaskOutcome> {
  const { upload, chunk } = task;
  const keys = new KeySetBuilder();
  for await (const parsed of rowsOfChunk(upload, chunk, deps)) {
    if (parsed.kind === 'row') keys.add(parsed.row.customerId, parsed.row.transactionId);
  }
  await new ChunkArtifacts(deps.objects, upload).writeKeys(chunk.index, keys.build());
  return finishTask(deps, upload, 'keys', chunk.index, task.chunks, {
    phase: 'merged',
    next: () => mergeKeys(task, deps),
  });
}

/** Every chunk's keys listed: the keys chunks share, and a `record` task each. */
async function mergeKeys(
  task: Extract<ChunkTask, { kind: 'keys' }>,
  deps: ChunkedIngestDeps,
): Promise<ChunkTaskOutcome> {
  const { upload } = task;
  const artifacts = new ChunkArtifacts(deps.objects, upload);
  const keySets = [];
  for (let chunk = 0; chunk < task.chunks; chunk += 1)
    keySets.push(await artifacts.readKeys(chunk));
  await artifacts.writeShared(sharedKeysOf(keySets));
  const chunks = await artifacts.readPlan();
  await send(
    deps,
    chunks.map((chunk) => ({ kind: 'record', upload, chunk, chunks: chunks.length })),
  );
  return DONE;
}

async function recordChunk(
  task: Extract<ChunkTask, { kind: 'record' }>,
  deps: ChunkedIngestDeps,
): Promise<ChunkTaskOutcome> {
  const { upload, chunk } = task;
  const artifacts = new ChunkArtifacts(deps.objects, upload);
  const shared: SharedKeys = await artifacts.readShared();
  const recorder = new RowRecorder(upload, deps, unitOf(upload, 'chunk', chunk.index));
  const deferred: TransactionRow[] = [];
  for await (const parsed of rowsOfChunk(upload, chunk, deps)) {
    if (parsed.kind === 'rejected') {
      recorder.reject({ line: parsed.line, reason: parsed.reason });
      continue;
    }
    const { row } = parsed;
    const hash = transactionKeyHash(row.customerId, row.transactionId);
    if (isDeferred(shared, chunk.index, hash)) deferred.push(row);
    else await recorder.add(row);
  }
  await recorder.flush();
  await artifacts.writeRecorded(chunk.index, { ...recorder.counts(), deferred });
  return finishTask(deps, upload, 'record', chunk.index, task.chunks, {
    phase: 'finished',
    next: () => finishRecording(upload, task.chunks, deps),
  });
}

/** Every chunk recorded: the deferred rows next, chunk by chunk, or else the summary. */
async function finishRecording(
  upload: ChunkedUpload,
  chunks: number,
  deps: ChunkedIngestDeps,
): Promise<ChunkTaskOutcome> {
  const artifacts = new ChunkArtifacts(deps.objects, upload);
  const deferredIn: number[] = [];
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    if ((await artifacts.readRecorded(chunk)).deferred.length > 0) deferredIn.push(chunk);
  }
  if (deferredIn.length === 0) return summarize(upload, chunks, [], deps);
  await send(deps, [{ kind: 'tail', upload, chunks, deferredIn, next: 0 }]);
  return DONE;
}

/**
 * The deferred rows of chunk `deferredIn[next]`, recorded as a unit of their own, in line
 * order; then the next chunk's, as a new task (so each fits in one invocation), or after the
 * last the summary.
 */
async function recordDeferred(
  task: Extract<ChunkTask, { kind: 'tail' }>,
  deps: ChunkedIngestDeps,
): Promise<ChunkTaskOutcome> {
  const { upload, deferredIn, next } = task;
  const chunk = deferredIn[next];
  if (chunk === undefined) throw new ChunkPlanError(`${upload.key} has no deferred chunk #${next}`);
  const artifacts = new ChunkArtifacts(deps.objects, upload);
  const recorder = new RowRecorder(upload, deps, unitOf(upload, 'tail', chunk));
  for (const row of (await artifacts.readRecorded(chunk)).deferred) await recorder.add(row);
  await recorder.flush();
  await artifacts.writeTail(chunk, recorder.counts());
  if (next + 1 < deferredIn.length) {
    await send(deps, [{ ...task, next: next + 1 }]);
    return DONE;
  }
  return summarize(upload, task.chunks, deferredIn, deps);
}

/** Adds up every chunk's counts and the deferred rows' into the summary, and writes it. */
async function summarize(
  upload: ChunkedUpload,
  chunks: number,
  tails: readonly number[],
  deps: ChunkedIngestDeps,
): Promise<ChunkTaskOutcome> {
  const artifacts = new ChunkArtifacts(deps.objects, upload);
  const parts = [];
  for (let chunk = 0; chunk < chunks; chunk += 1) {
    const { accepted, duplicates, rejected }: RecordResult = await artifacts.readRecorded(chunk);
    parts.push({ accepted, duplicates, rejected });
  }
  for (const chunk of tails) parts.push(await artifacts.readTail(chunk));
  const summary = summaryOf(upload, parts);
  await writeSummary(deps.objects, summary);
  return { kind: 'summarized', summary };
}

/**
 * Runs one task of a chunked upload (see chunk-tasks.ts for the phases). Any error is thrown,
 * so that the task alone is retried; every task can run again, or twice at once, and leave
 * what it would have left once.
 *
 * @example const outcome = await runChunkTask(task, deps);
 */
function runChunkTask(task: ChunkTask, deps: ChunkedIngestDeps): Promise<ChunkTaskOutcome> {
  switch (task.kind) {
    case 'scan':
      return scanSegment(task, deps);
    case 'keys':
      return listKeys(task, deps);
    case 'record':
      return recordChunk(task, deps);
    case 'tail':
      return recordDeferred(task, deps);
  }
}

export type { ChunkedIngestDeps, ChunkTaskOutcome };
export { HEAD_BYTES, runChunkTask, startChunkedIngest };
