import {
  GetObjectCommand,
  HeadObjectCommand,
  PutObjectCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import type { ByteRange, ObjectStore } from '../../ports.ts';

const isAsyncIterable = (value: unknown): value is AsyncIterable<Uint8Array> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/** An object whose body S3 did not return as a stream (or not at all), or no size. */
class ObjectBodyUnreadableError extends Error {
  readonly bucket: string;
  readonly key: string;

  constructor(bucket: string, key: string, what = 'readable body stream') {
    super(`s3://${bucket}/${key} has no ${what}`);
    this.name = 'ObjectBodyUnreadableError';
    this.bucket = bucket;
    this.key = key;
  }
}

const noBytes = async function* (): AsyncGenerator<Uint8Array> {};

/**
 * The ObjectStore port on S3. `read` streams the GetObject body of the version asked for
 * (never buffered whole: files can hold millions of rows; reading a version takes
 * `s3:GetObjectVersion`), only the bytes of a range when given (the `Range` header, whose
 * last byte is inclusive); `size` is HeadObject's ContentLength for that version; `write`
 * puts a report with its content type. The bucket's default encryption applies to what is
 * written.
 *
 * @example new S3ObjectStore(new S3Client({}))
 */
class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client;

  constructor(client: S3Client) {
    this.#client = client;
  }

  async read(
    bucket: string,
    key: string,
    versionId?: string,
    range?: ByteRange,
  ): Promise<AsyncIterable<Uint8Array>> {
    // An empty range is no bytes: S3 has no Range header for it.
    if (range !== undefined && range.end <= range.start) return noBytes();
    const output = await this.#client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(versionId === undefined ? {} : { VersionId: versionId }),
        ...(range === undefined ? {} : { Range: `bytes=${range.start}-${range.end - 1}` }),
      }),
    );
    if (!isAsyncIterable(output.Body)) throw new ObjectBodyUnreadableError(bucket, key);
    return output.Body;
  }

  async size(bucket: string, key: string, versionId: string): Promise<number> {
    const output = await this.#client.send(
      new HeadObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId }),
    );
    if (output.ContentLength === undefined) {
      throw new ObjectBodyUnreadableError(bucket, key, 'ContentLength in its HeadObject answer');
    }
    return output.ContentLength;
  }

  async write(
    bucket: string,
    key: string,
    body: string | Uint8Array,
    contentType: string,
  ): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}

export { ObjectBodyUnreadableError, S3ObjectStore };
