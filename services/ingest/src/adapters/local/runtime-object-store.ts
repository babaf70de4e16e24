import type { ByteRange, ObjectStore } from '../../ports.ts';

/** The part of the local runtime's bucket that ingest uses. */
interface LocalBucket {
  getObject(params: {
    bucket: string;
    key: string;
    versionId?: string | undefined;
    /** S3's `Range` header: `bytes=FIRST-LAST`. */
    range?: string | undefined;
  }): AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;
  headObject(params: { bucket: string; key: string; versionId?: string | undefined }): {
    readonly size: number;
  };
  putObject(params: { bucket: string; key: string; body: string | Uint8Array }): unknown;
}

const noBytes = async function* (): AsyncGenerator<Uint8Array> {};

/**
 * The ObjectStore port over the local runtime's bucket (which emits "Object Created" on put,
 * as S3 does).
 *
 * @example new RuntimeObjectStore(runtime)
 */
class RuntimeObjectStore implements ObjectStore {
  readonly #bucket: LocalBucket;

  constructor(bucket: LocalBucket) {
    this.#bucket = bucket;
  }

  async read(
    bucket: string,
    key: string,
    versionId?: string,
    range?: ByteRange,
  ): Promise<AsyncIterable<Uint8Array>> {
    if (range === undefined) return this.#bucket.getObject({ bucket, key, versionId });
    // An empty range is no bytes: S3 has no Range header for it.
    if (range.end <= range.start) return noBytes();
    return this.#bucket.getObject({
      bucket,
      key,
      versionId,
      range: `bytes=${range.start}-${range.end - 1}`,
    });
  }

  async size(bucket: string, key: string, versionId: string): Promise<number> {
    return this.#bucket.headObject({ bucket, key, versionId }).size;
  }

  async write(bucket: string, key: string, body: string | Uint8Array): Promise<void> {
    await this.#bucket.putObject({ bucket, key, body });
  }
}

export type { LocalBucket };
export { RuntimeObjectStore };
