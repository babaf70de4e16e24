import type { SegmentScan } from '../parsing/record-boundaries.ts';
import type { ObjectStore, TransactionRow } from '../ports.ts';
import type { ChunkSpan } from './chunk-plan.ts';
import { type ChunkedUpload, planIdOf } from './chunk-tasks.ts';
import { REPORTS_PREFIX } from './reports.ts';
import type { RecordedCounts } from './row-recorder.ts';
import {
  decodeKeySet,
  decodeSharedKeys,
  encodeKeySet,
  encodeSharedKeys,
  type SharedKeys,
} from './shared-keys.ts';

/**
 * Where a chunked upload's tasks leave what the next phase reads: in the bucket, under the
 * reports prefix (so writing them never starts an ingest), per upload and plan. A chunk's
 * rejections can be as many as its rows, more than a DynamoDB item holds, hence S3.
 */
const CHUNKS_PREFIX = `${REPORTS_PREFIX}.chunks/`;

/** What a chunk's `record` task leaves: its counts, and the rows it deferred, in line order. */
interface RecordResult extends RecordedCounts {
  readonly deferred: readonly TransactionRow[];
}

const pad = (index: number): string => String(index).padStart(6, '0');

/**
 * A stream's bytes, whole: for the small objects read here (a file's first 64 KiB, work objects).
 *
 * @example const head = await bytesOf(await objects.read(bucket, key, versionId, { start: 0, end: 65_536 }));
 */
async function bytesOf(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(Buffer.from(part));
  return Buffer.concat(parts);
}

/**
 * The work objects of one chunked upload's plan: `reports/.chunks/<upload id>/<plan>/…`.
 * Each is written whole by one task and rewritten with the same content if the task runs
 * again, so a retried or duplicated task leaves them as they were.
 *
 * @example const artifacts = new ChunkArtifacts(objects, upload); await artifacts.writeScan(scan, 3);
 */
class ChunkArtifacts {
  readonly #objects: ObjectStore;
  readonly #upload: ChunkedUpload;

  constructor(objects: ObjectStore, upload: ChunkedUpload) {
    this.#objects = objects;
    this.#upload = upload;
  }

  /** The key of a work object of this upload's plan. */
  keyOf(name: string): string {
    return `${CHUNKS_PREFIX}${this.#upload.correlationId}/${planIdOf(this.#upload)}/${name}`;
  }

  writeScan(segment: number, scan: SegmentScan): Promise<void> {
    return this.#writeJson(`scan-${pad(segment)}.json`, scan);
  }

  readScan(segment: number): Promise<SegmentScan> {
    return this.#readJson<SegmentScan>(`scan-${pad(segment)}.json`);
  }

  writePlan(chunks: readonly ChunkSpan[]): Promise<void> {
    return this.#writeJson('plan.json', chunks);
  }

  readPlan(): Promise<ChunkSpan[]> {
    return this.#readJson<ChunkSpan[]>('plan.json');
  }

  writeKeys(chunk: number, keys: BigUint64Array): Promise<void> {
    return this.#write(`keys-${pad(chunk)}.bin`, encodeKeySet(keys), 'application/octet-stream');
  }

  async readKeys(chunk: number): Promise<BigUint64Array> {
    return decodeKeySet(await this.#read(`keys-${pad(chunk)}.bin`));
  }

  writeShared(shared: SharedKeys): Promise<void> {
    return this.#write('shared.bin', encodeSharedKeys(shared), 'application/octet-stream');
  }

  async readShared(): Promise<SharedKeys> {
    return decodeSharedKeys(await this.#read('shared.bin'));
  }

  writeRecorded(chunk: number, result: RecordResult): Promise<void> {
    return this.#writeJson(`record-${pad(chunk)}.json`, result);
  }

  readRecorded(chunk: number): Promise<RecordResult> {
    return this.#readJson<RecordResult>(`record-${pad(chunk)}.json`);
  }

  writeTail(chunk: number, counts: RecordedCounts): Promise<void> {
    return this.#writeJson(`tail-${pad(chunk)}.json`, counts);
  }

  readTail(chunk: number): Promise<RecordedCounts> {
    return this.#readJson<RecordedCounts>(`tail-${pad(chunk)}.json`);
  }

  #write(name: string, body: string | Uint8Array, contentType: string): Promise<void> {
    return this.#objects.write(this.#upload.bucket, this.keyOf(name), body, contentType);
  }

  #writeJson(name: string, value: unknown): Promise<void> {
    return this.#write(name, JSON.stringify(value), 'application/json');
  }

  async #read(name: string): Promise<Buffer> {
    return bytesOf(await this.#objects.read(this.#upload.bucket, this.keyOf(name)));
  }

  /** What this code wrote under that name (the prefix is ingest's own). */
  async #readJson<T>(name: string): Promise<T> {
    return JSON.parse((await this.#read(name)).toString('utf8')) as T;
  }
}

export type { RecordResult };
export { bytesOf, CHUNKS_PREFIX, ChunkArtifacts };
