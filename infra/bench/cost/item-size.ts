/**
 * The size DynamoDB bills an item at, from its attributes as the document client sends them:
 * attribute names and string values count their UTF-8 bytes, a number about one byte per
 * two significant digits plus one, a boolean or null one byte, a list or map 3 bytes plus one
 * per element plus the elements (and, for a map, the element names). The rules of "Item
 * sizes and formats" in the DynamoDB developer guide; a number's size there is approximate,
 * so this is an estimate to a few bytes, used only where DynamoDB Local does not report
 * the units itself.
 */
const utf8Bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

function numberBytes(value: number | bigint): number {
  const digits = String(value)
    .replace(/^-/, '')
    .replace(/e.*$/i, '')
    .replace('.', '')
    .replace(/^0+/, '')
    .replace(/0+$/, '');
  return Math.ceil(Math.max(digits.length, 1) / 2) + 1;
}

/**
 * The billed size of one attribute value.
 *
 * @example valueBytes('abc') // 3
 */
function valueBytes(value: unknown): number {
  if (typeof value === 'string') return utf8Bytes(value);
  if (typeof value === 'number' || typeof value === 'bigint') return numberBytes(value);
  if (value === null || value === undefined || typeof value === 'boolean') return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (value instanceof Set) {
    let bytes = 0;
    for (const element of value) bytes += valueBytes(element);
    return bytes;
  }
  if (Array.isArray(value)) {
    return value.reduce<number>((bytes, element) => bytes + 1 + valueBytes(element), 3);
  }
  if (typeof value === 'object') {
    return Object.entries(value).reduce<number>(
      (bytes, [name, element]) => bytes + utf8Bytes(name) + 1 + valueBytes(element),
      3,
    );
  }
  return 0;
}

/**
 * The billed size of an item: every attribute's name and value.
 *
 * @example itemBytes({ customerId: 'C1', version: 3 }) // 10 + 2 + 7 + 2
 */
function itemBytes(item: Readonly<Record<string, unknown>>): number {
  return Object.entries(item).reduce(
    (bytes, [name, value]) => bytes + utf8Bytes(name) + valueBytes(value),
    0,
  );
}

/**
 * Write request units of a standard write of an item of `bytes`: one per KB, at least one.
 *
 * @example writeUnitsFor(1_500) // 2
 */
const writeUnitsFor = (bytes: number): number => Math.max(1, Math.ceil(bytes / 1024));

export { itemBytes, valueBytes, writeUnitsFor };
