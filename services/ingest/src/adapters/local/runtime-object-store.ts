import type { ObjectStore } from '../../ports.ts';

/** The part of the local runtime's bucket that ingest uses. */
interface LocalBucket {
  getObject(params: {
    bucket: string;
    key: string;
    versionId?: string | undefined;
  }): AsyncIterable<Uint8Array> | Promise<AsyncIterable<Uint8Array>>;
  putObject(params: { bucket: string; key: string; body: string }): unknown;
}

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

  async read(bucket: string, key: string, versionId?: string): Promise<AsyncIterable<Uint8Array>> {
    return this.#bucket.getObject({ bucket, key, versionId });
  }

  async write(bucket: string, key: string, body: string): Promise<void> {
    await this.#bucket.putObject({ bucket, key, body });
  }
}

export type { LocalBucket };
export { RuntimeObjectStore };
