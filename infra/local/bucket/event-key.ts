/**
 * Bytes S3 leaves as they are in the `object.key` of its notifications: letters, digits and
 * `-_.*` (the form encoding's unreserved set), `/` (recorded in every event of a key with a
 * "folder"), and `:` (recorded as is in an EventBridge "Object Created" event). Everything
 * else is escaped: a space as `+`, any other byte of the key's UTF-8 as `%XX`, upper case.
 */
const KEPT = /^[A-Za-z0-9\-_.*/:]$/;

const SPACE = 0x20;

/**
 * The object key as S3 writes it into the events it sends: form-encoded, so that a key with
 * a space, a `+`, a `%` or non-ASCII letters reaches consumers the way it reaches them on AWS
 * (which must decode it before they call GetObject).
 *
 * @example encodeEventKey('incoming/my file+1 é.txt') // 'incoming/my+file%2B1+%C3%A9.txt'
 */
function encodeEventKey(key: string): string {
  let encoded = '';
  for (const byte of Buffer.from(key, 'utf8')) {
    const char = String.fromCharCode(byte);
    if (byte < 0x80 && KEPT.test(char)) encoded += char;
    else if (byte === SPACE) encoded += '+';
    else encoded += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return encoded;
}

export { encodeEventKey };
