import { describe, expect, it } from 'vitest';
import {
  decodeKeySet,
  decodeSharedKeys,
  encodeKeySet,
  encodeSharedKeys,
  isDeferred,
  KeySetBuilder,
  sharedKeysOf,
  transactionKeyHash,
} from '../../src/domain/shared-keys.ts';

const keysOf = (...keys: [string, string][]) => {
  const builder = new KeySetBuilder();
  for (const [customer, transaction] of keys) builder.add(customer, transaction);
  return builder.build();
};

describe('Shared keys between chunks', () => {
  it("lists a chunk's keys once each, sorted", () => {
    const keys = keysOf(['C1', 'T1'], ['C2', 'T1'], ['C1', 'T1']);

    expect(keys).toHaveLength(2);
    expect([...keys]).toEqual([...keys].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('tells the customer and the transaction apart', () => {
    expect(transactionKeyHash('C1', 'T1')).not.toBe(transactionKeyHash('C1T', '1'));
  });

  it('spreads keys that differ in a character apart: no collision among 300,000 ids of one shape', () => {
    const hashes = new Set<bigint>();
    for (let i = 0; i < 300_000; i += 1) {
      hashes.add(transactionKeyHash(`C${i % 10_000}`, `T${i}`));
    }

    expect(hashes.size).toBe(300_000);
  });

  it('defers a key in every chunk but the first that holds it, and no key held by one chunk', () => {
    const chunks = [
      keysOf(['C1', 'T1'], ['C1', 'T2']),
      keysOf(['C1', 'T3'], ['C1', 'T2']),
      keysOf(['C1', 'T2'], ['C1', 'T1'], ['C2', 'T9']),
    ];

    const shared = sharedKeysOf(chunks);
    const deferred = (chunk: number, transaction: string, customer = 'C1') =>
      isDeferred(shared, chunk, transactionKeyHash(customer, transaction));

    expect(shared.hashes).toHaveLength(2);
    expect([deferred(0, 'T1'), deferred(0, 'T2')]).toEqual([false, false]);
    expect([deferred(1, 'T3'), deferred(1, 'T2')]).toEqual([false, true]);
    expect([deferred(2, 'T2'), deferred(2, 'T1'), deferred(2, 'T9', 'C2')]).toEqual([
      true,
      true,
      false,
    ]);
  });

  it('reads back what it wrote', () => {
    const chunks = [keysOf(['C1', 'T1'], ['C1', 'T2']), keysOf(['C1', 'T2'])];
    const shared = sharedKeysOf(chunks);

    expect(decodeKeySet(encodeKeySet(chunks[0] as BigUint64Array))).toEqual(chunks[0]);
    expect(decodeSharedKeys(encodeSharedKeys(shared))).toEqual(shared);
    expect(() => decodeKeySet(new Uint8Array(7))).toThrow('8 bytes per key, got 7 bytes');
  });
});
