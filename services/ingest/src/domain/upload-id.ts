import { createHash } from 'node:crypto';

/** One upload: a version of an object. */
interface ObjectVersion {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
}

/**
 * The id of one upload, that is of one object version. Every delivery of its "Object Created"
 * gets the same id (S3 notifications are at-least-once, and a repeated one may carry another
 * event id), and a new version of the same key gets a new one. It is the run's correlation id
 * and the upload each recorded row remembers, so a redelivery reports the same summary and a
 * new version's rows seen before are duplicates. A UUID of version 8 (RFC 9562: its bits come
 * from a SHA-256 of bucket, key and version id), so it reads like the event ids beside it.
 *
 * @example uploadIdOf({ bucket: 'uploads', key: 'incoming/a.txt', versionId: 'v1' }) // '…-8…-…'
 */
function uploadIdOf(version: ObjectVersion): string {
  const hash = createHash('sha256')
    .update(JSON.stringify([version.bucket, version.key, version.versionId]))
    .digest()
    .subarray(0, 16);
  hash[6] = ((hash[6] ?? 0) & 0x0f) | 0x80; // version 8
  hash[8] = ((hash[8] ?? 0) & 0x3f) | 0x80; // RFC 9562 variant
  const hex = hash.toString('hex');
  return [
    hex.slice(0, 8),
    hex.slice(8, 12),
    hex.slice(12, 16),
    hex.slice(16, 20),
    hex.slice(20),
  ].join('-');
}

export type { ObjectVersion };
export { uploadIdOf };
