import { IngestError } from '../parsing/errors.ts';
import { ScanState, type SegmentPath, type SegmentScan } from '../parsing/record-boundaries.ts';

/** A byte range of a file, `[start, end)`. */
interface ByteRange {
  readonly start: number;
  readonly end: number;
}

/** One chunk of a file: whole records, and the file's line number of the first one. */
interface ChunkSpan extends ByteRange {
  /** 0, 1, … in file order. */
  readonly index: number;
  readonly firstLine: number;
}

/** Segment scans that do not tile the file's data: a bug in whoever gathered them. */
class ChunkPlanError extends IngestError {
  constructor(message: string) {
    super(message);
    this.name = 'ChunkPlanError';
  }
}

/**
 * The segments a file's data is scanned in: `segmentBytes` each from `dataStart` (the byte
 * after the header), the last one shorter. No segment when there is no data.
 *
 * @example segmentsOf(1_000, 57, 400) // [{ start: 57, end: 457 }, { start: 457, end: 857 }, { start: 857, end: 1000 }]
 */
function segmentsOf(size: number, dataStart: number, segmentBytes: number): ByteRange[] {
  if (!(Number.isSafeInteger(segmentBytes) && segmentBytes > 0)) {
    throw new RangeError(`segmentBytes must be a positive integer, got ${segmentBytes}`);
  }
  const segments: ByteRange[] = [];
  for (let start = dataStart; start < size; start += segmentBytes) {
    segments.push({ start, end: Math.min(size, start + segmentBytes) });
  }
  return segments;
}

/**
 * The chunks of a file from the scans of its segments (in order, tiling `[dataStart, size)`).
 * The data starts on a record (right after the header), a known state; from there each
 * segment's path for the state it truly starts in gives its first record start, its state at
 * its end (the next segment's start state) and the line breaks before that start. Chunk k
 * holds the records starting in the k-th segment that has one: it starts on a record
 * boundary (never inside a quoted field, however many segments the field spans), and ends
 * where the next chunk starts, or at the end of the file.
 *
 * @example planChunks(scans, size) // [{ index: 0, start: 57, end: 463, firstLine: 2 }, ...]
 * @throws {ChunkPlanError} when the scans do not tile the data.
 */
function planChunks(scans: readonly SegmentScan[], size: number): ChunkSpan[] {
  const starts: { start: number; firstLine: number }[] = [];
  let state: ScanState = ScanState.recordStart;
  let line = 2;
  let expected = scans[0]?.start;
  for (const scan of scans) {
    if (scan.start !== expected) {
      throw new ChunkPlanError(`segment scans leave a gap or overlap at byte ${scan.start}`);
    }
    const path: SegmentPath | undefined = scan.paths[state];
    if (!path) throw new ChunkPlanError(`segment at byte ${scan.start} has no path for ${state}`);
    if (path.firstRecordStart !== null) {
      starts.push({ start: path.firstRecordStart, firstLine: line + path.lineBreaksBefore });
    }
    state = path.end;
    line += scan.lineBreaks;
    expected = scan.end;
  }
  if (scans.length > 0 && expected !== size) {
    throw new ChunkPlanError(`segment scans end at byte ${expected}, the file at ${size}`);
  }
  return starts.map(({ start, firstLine }, index) => ({
    index,
    start,
    end: starts[index + 1]?.start ?? size,
    firstLine,
  }));
}

export type { ChunkSpan };
export { ChunkPlanError, planChunks, segmentsOf };
