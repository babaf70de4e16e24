import { GetObjectCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { ObjectStore } from '../../ports.ts';

const isAsyncIterable = (value: unknown): value is AsyncIterable<Uint8Array> =>
  typeof value === 'object' && value !== null && Symbol.asyncIterator in value;

/** An object whose body S3 did not return as a stream (or not at all). */
class ObjectBodyUnreadableError extends Error {
  readonly bucket: string;
  readonly key: string;

  constructor(bucket: string, key: string) {
    super(`s3://${bucket}/${key} has no readable body stream`);
    this.name = 'ObjectBodyUnreadableError';
    this.bucket = bucket;
    this.key = key;
  }
}

/**
 * The ObjectStore port on S3. `read` streams the GetObject body of the version asked for
 * (never buffered whole: files can hold millions of rows; reading a version takes
 * `s3:GetObjectVersion`); `write` puts a report with its content type. The bucket's default
 * encryption applies to what is written.
 *
 * @example new S3ObjectStore(new S3Client({}))
 */
class S3ObjectStore implements ObjectStore {
  readonly #client: S3Client;

  constructor(client: S3Client) {
    this.#client = client;
  }

  async read(bucket: string, key: string, versionId?: string): Promise<AsyncIterable<Uint8Array>> {
    const output = await this.#client.send(
      new GetObjectCommand({
        Bucket: bucket,
        Key: key,
        ...(versionId === undefined ? {} : { VersionId: versionId }),
      }),
    );
    if (!isAsyncIterable(output.Body)) throw new ObjectBodyUnreadableError(bucket, key);
    return output.Body;
  }

  async write(bucket: string, key: string, body: string, contentType: string): Promise<void> {
    await this.#client.send(
      new PutObjectCommand({ Bucket: bucket, Key: key, Body: body, ContentType: contentType }),
    );
  }
}

export { ObjectBodyUnreadableError, S3ObjectStore };
