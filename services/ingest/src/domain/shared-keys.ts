import { IngestError } from '../parsing/errors.ts';

/**
 * Chunks record their rows in parallel, yet a transaction's occurrences in one file must be
 * recorded in line order, as a single pass would (the first one is accepted, a later one is a
 * duplicate or a conflict with it). So before recording, every chunk lists the keys
 * (customer id, transaction id) of its rows as 64-bit hashes; {@link sharedKeysOf} finds the
 * hashes found in more than one chunk and the first chunk holding each. A chunk records a row
 * at once unless its hash is shared with an earlier chunk: such a row is deferred, and the
 * deferred rows are recorded after every chunk, chunk by chunk in file order. Per key, the
 * rows recorded in parallel are those of its first chunk, so every key's rows are recorded in
 * line order. A hash collision only defers a row that need not wait: never wrong, only later.
 */

/** A chunk's key set, or shared keys, that do not decode: not written by this code. */
class KeySetFormatError extends IngestError {
  constructor(message: string) {
    super(message);
    this.name = 'KeySetFormatError';
  }
}

/** The final mix of murmur3's 32-bit hash: every input bit moves every output bit. */
function finalMix(h: number): number {
  let x = h ^ (h >>> 16);
  x = Math.imul(x, 0x85eb_ca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2_ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * The 64-bit hash of a transaction's key: two independent 32-bit lanes over the key's UTF-16
 * code units (FNV-1a and a murmur-style multiply), each finally mixed. Nothing here needs it
 * to resist an adversary (a collision only defers a row), and an MD5 per row, twice a row,
 * was 3.5% of a chunked run's CPU. The hashes live only as long as one upload's tasks.
 *
 * @example transactionKeyHash('C1', 'T1') // 1234…n
 */
function transactionKeyHash(customerId: string, transactionId: string): bigint {
  let a = 0x811c_9dc5;
  let b = 0x9747_b28c;
  const add = (code: number) => {
    a = Math.imul(a ^ code, 0x0100_0193);
    b = Math.imul(b ^ code, 0x5bd1_e995);
    b ^= b >>> 15;
  };
  for (let i = 0; i < customerId.length; i += 1) add(customerId.charCodeAt(i));
  // A separator no id holds, so that (C1, T1) and (C1T, 1) differ.
  add(0x1_0000);
  for (let i = 0; i < transactionId.length; i += 1) add(transactionId.charCodeAt(i));
  return (BigInt(finalMix(a)) << 32n) | BigInt(finalMix(b));
}

/**
 * The distinct key hashes of one chunk's rows, sorted.
 *
 * @example const keys = new KeySetBuilder(); keys.add('C1', 'T1'); keys.build()
 */
class KeySetBuilder {
  // 8 bytes a row (an array of bigint would hold an object per row): tasks run side by side.
  #hashes = new BigUint64Array(1024);
  #size = 0;

  add(customerId: string, transactionId: string): void {
    if (this.#size === this.#hashes.length) {
      const grown = new BigUint64Array(this.#hashes.length * 2);
      grown.set(this.#hashes);
      this.#hashes = grown;
    }
    this.#hashes[this.#size++] = transactionKeyHash(customerId, transactionId);
  }

  build(): BigUint64Array {
    const sorted = this.#hashes.slice(0, this.#size).sort();
    let kept = 0;
    for (let i = 0; i < sorted.length; i += 1) {
      if (i === 0 || sorted[i] !== sorted[i - 1]) sorted[kept++] = sorted[i] as bigint;
    }
    return sorted.slice(0, kept);
  }
}

/** Hashes found in more than one chunk (sorted) and, for each, the first chunk holding it. */
interface SharedKeys {
  readonly hashes: BigUint64Array;
  readonly firstChunk: Uint32Array;
}

const UNASSIGNED = 0xffff_ffff;

/**
 * The hashes that more than one chunk holds, with the first chunk holding each, from every
 * chunk's key set (sorted, distinct) in chunk order. Memory: 16 bytes per row of the file.
 *
 * @example sharedKeysOf([keysOfChunk0, keysOfChunk1]).hashes.length
 */
function sharedKeysOf(keySets: readonly BigUint64Array[]): SharedKeys {
  const total = keySets.reduce((n, set) => n + set.length, 0);
  const all = new BigUint64Array(total);
  let at = 0;
  for (const set of keySets) {
    all.set(set, at);
    at += set.length;
  }
  all.sort();
  const shared: bigint[] = [];
  for (let i = 1; i < all.length; i += 1) {
    if (all[i] === all[i - 1] && all[i] !== shared.at(-1)) shared.push(all[i] as bigint);
  }
  const hashes = BigUint64Array.from(shared);
  const firstChunk = new Uint32Array(hashes.length).fill(UNASSIGNED);
  keySets.forEach((set, chunk) => {
    // Both sorted: walk them together.
    let j = 0;
    for (let i = 0; i < set.length && j < hashes.length; i += 1) {
      const hash = set[i] as bigint;
      while (j < hashes.length && (hashes[j] as bigint) < hash) j += 1;
      if (hashes[j] === hash && firstChunk[j] === UNASSIGNED) firstChunk[j] = chunk;
    }
  });
  return { hashes, firstChunk };
}

/**
 * Whether chunk `chunk` defers a row of this key: its hash is shared with an earlier chunk.
 *
 * @example isDeferred(shared, 3, transactionKeyHash('C1', 'T1'))
 */
function isDeferred(shared: SharedKeys, chunk: number, hash: bigint): boolean {
  let low = 0;
  let high = shared.hashes.length - 1;
  while (low <= high) {
    const mid = (low + high) >>> 1;
    const value = shared.hashes[mid] as bigint;
    if (value === hash) return (shared.firstChunk[mid] as number) < chunk;
    if (value < hash) low = mid + 1;
    else high = mid - 1;
  }
  return false;
}

/** A key set as bytes: 8 per hash, little-endian. */
function encodeKeySet(keys: BigUint64Array): Uint8Array {
  const bytes = Buffer.alloc(keys.length * 8);
  keys.forEach((hash, i) => {
    bytes.writeBigUInt64LE(hash, i * 8);
  });
  return bytes;
}

function decodeKeySet(bytes: Uint8Array): BigUint64Array {
  if (bytes.length % 8 !== 0) {
    throw new KeySetFormatError(`a key set is 8 bytes per key, got ${bytes.length} bytes`);
  }
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const keys = new BigUint64Array(bytes.length / 8);
  for (let i = 0; i < keys.length; i += 1) keys[i] = buffer.readBigUInt64LE(i * 8);
  return keys;
}

/** Shared keys as bytes: the hashes (8 bytes each), then the first chunks (4 bytes each). */
function encodeSharedKeys(shared: SharedKeys): Uint8Array {
  const n = shared.hashes.length;
  const bytes = Buffer.alloc(n * 12);
  bytes.set(encodeKeySet(shared.hashes), 0);
  shared.firstChunk.forEach((chunk, i) => {
    bytes.writeUInt32LE(chunk, n * 8 + i * 4);
  });
  return bytes;
}

function decodeSharedKeys(bytes: Uint8Array): SharedKeys {
  if (bytes.length % 12 !== 0) {
    throw new KeySetFormatError(`shared keys are 12 bytes per key, got ${bytes.length} bytes`);
  }
  const n = bytes.length / 12;
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length);
  const firstChunk = new Uint32Array(n);
  for (let i = 0; i < n; i += 1) firstChunk[i] = buffer.readUInt32LE(n * 8 + i * 4);
  return { hashes: decodeKeySet(buffer.subarray(0, n * 8)), firstChunk };
}

export type { SharedKeys };
export {
  decodeKeySet,
  decodeSharedKeys,
  encodeKeySet,
  encodeSharedKeys,
  isDeferred,
  KeySetBuilder,
  KeySetFormatError,
  sharedKeysOf,
  transactionKeyHash,
};
