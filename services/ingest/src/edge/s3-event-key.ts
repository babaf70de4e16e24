import { IngestError } from '../parsing/errors.ts';

/** S3 keys are at most 1024 bytes of UTF-8; a decoded key beyond that names no object. */
const MAX_KEY_BYTES = 1024;

/** A `%` that does not start an escape: S3 writes a `%` of the key as `%25`. */
const STRAY_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/** An `object.key` of an S3 event that does not decode to an object key. */
class InvalidEventKeyError extends IngestError {
  /** The key as the event carried it, still encoded. */
  readonly encodedKey: string;

  constructor(encodedKey: string, reason: string, options?: ErrorOptions) {
    super(`detail.object.key ${JSON.stringify(encodedKey)} ${reason}`, options);
    this.name = 'InvalidEventKeyError';
    this.encodedKey = encodedKey;
  }
}

/**
 * The object key an S3 event names. S3 form-encodes `object.key` in its notifications, those
 * it sends to EventBridge included (a space as `+`, a `+` as `%2B`, other bytes of the key's
 * UTF-8 as `%XX`), and GetObject needs the key itself.
 *
 * @example decodeEventKey('incoming/my+file%2B1+%C3%A9.txt') // 'incoming/my file+1 é.txt'
 * @throws {InvalidEventKeyError} on a `%` that starts no escape, escaped bytes that are not
 * UTF-8, or a key longer than S3 allows.
 */
function decodeEventKey(encodedKey: string): string {
  if (STRAY_PERCENT.test(encodedKey)) {
    throw new InvalidEventKeyError(
      encodedKey,
      'is not form-encoded: a "%" is not followed by two hex digits',
    );
  }
  let key: string;
  try {
    // Refuses escaped bytes that are not UTF-8: such a key names no object S3 could hold.
    key = decodeURIComponent(encodedKey.replaceAll('+', ' '));
  } catch (error) {
    throw new InvalidEventKeyError(encodedKey, 'escapes bytes that are not UTF-8', {
      cause: error,
    });
  }
  if (key.length === 0) throw new InvalidEventKeyError(encodedKey, 'decodes to an empty key');
  const bytes = Buffer.byteLength(key, 'utf8');
  if (bytes > MAX_KEY_BYTES) {
    throw new InvalidEventKeyError(
      encodedKey,
      `decodes to ${bytes} bytes, more than the ${MAX_KEY_BYTES} an S3 key can have`,
    );
  }
  return key;
}

export { decodeEventKey, InvalidEventKeyError };
