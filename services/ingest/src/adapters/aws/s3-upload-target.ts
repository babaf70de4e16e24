import { PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import type { StoredUpload, UploadTarget } from '../../ports.ts';

/** S3 answered a put to the versioned uploads bucket without a version id: not that bucket. */
class UnversionedUploadError extends Error {
  constructor(bucket: string, key: string) {
    super(`s3://${bucket}/${key}: PutObject returned no VersionId; is the bucket versioned?`);
    this.name = 'UnversionedUploadError';
  }
}

/**
 * The UploadTarget port on S3: one PutObject to the uploads bucket. Behind API Gateway the
 * whole request is already in the Lambda event (a request is capped at 6 MB there), so the
 * body is gathered and put with its length; the API's limit bounds it. Larger files go to
 * the bucket directly (`aws s3 cp`), which starts ingest the same way.
 *
 * @example new S3UploadTarget(new S3Client({}), process.env.UPLOADS_BUCKET_NAME)
 */
class S3UploadTarget implements UploadTarget {
  readonly #client: S3Client;
  readonly #bucket: string;

  constructor(client: S3Client, bucket: string) {
    this.#client = client;
    this.#bucket = bucket;
  }

  async put(key: string, body: AsyncIterable<Uint8Array>): Promise<StoredUpload> {
    const chunks: Uint8Array[] = [];
    for await (const chunk of body) chunks.push(chunk);
    const bytes = Buffer.concat(chunks);
    const { VersionId } = await this.#client.send(
      new PutObjectCommand({
        Bucket: this.#bucket,
        Key: key,
        Body: bytes,
        ContentLength: bytes.length,
        ContentType: 'text/plain; charset=utf-8',
      }),
    );
    if (!VersionId) throw new UnversionedUploadError(this.#bucket, key);
    return { bucket: this.#bucket, key, versionId: VersionId, bytes: bytes.length };
  }
}

export { S3UploadTarget, UnversionedUploadError };
