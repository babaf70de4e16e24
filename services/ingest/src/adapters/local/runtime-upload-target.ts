import type { StoredUpload, UploadTarget } from '../../ports.ts';

/** The part of the local runtime's bucket an upload uses: a streamed put. */
interface LocalUploadBucket {
  putObject(params: {
    bucket: string;
    key: string;
    body: AsyncIterable<Uint8Array>;
  }): Promise<{ versionId?: string | undefined }>;
}

/**
 * The UploadTarget port on the local runtime's bucket: the body is streamed to disk as it
 * arrives (never held whole), and the put emits "Object Created" as S3 does.
 *
 * @example new RuntimeUploadTarget(runtime, 'txnflow-ingest-uploads')
 */
class RuntimeUploadTarget implements UploadTarget {
  readonly #bucket: LocalUploadBucket;
  readonly #bucketName: string;

  constructor(bucket: LocalUploadBucket, bucketName: string) {
    this.#bucket = bucket;
    this.#bucketName = bucketName;
  }

  async put(key: string, body: AsyncIterable<Uint8Array>): Promise<StoredUpload> {
    let bytes = 0;
    const counted = (async function* () {
      for await (const chunk of body) {
        bytes += chunk.byteLength;
        yield chunk;
      }
    })();
    const { versionId } = await this.#bucket.putObject({
      bucket: this.#bucketName,
      key,
      body: counted,
    });
    if (versionId === undefined) {
      throw new Error(`local bucket ${this.#bucketName} is not versioned: no version for ${key}`);
    }
    return { bucket: this.#bucketName, key, versionId, bytes };
  }
}

export type { LocalUploadBucket };
export { RuntimeUploadTarget };
