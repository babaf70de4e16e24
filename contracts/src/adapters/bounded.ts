/**
 * Runs `work` on every item with at most `limit` calls in flight: how the AWS adapters fan
 * out requests without an unbounded `Promise.all` over a batch.
 *
 * @example await forEachBounded(keys, 8, async (key) => { await client.send(get(key)); });
 */
async function forEachBounded<T>(
  items: readonly T[],
  limit: number,
  work: (item: T, index: number) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next;
      next += 1;
      await work(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * `items` cut into consecutive batches of at most `size`, in order: how the adapters split
 * what one call may not carry whole.
 *
 * @example batchesOf([1, 2, 3], 2) // [[1, 2], [3]]
 */
function batchesOf<T>(items: readonly T[], size: number): T[][] {
  const batches: T[][] = [];
  for (let i = 0; i < items.length; i += size) batches.push(items.slice(i, i + size));
  return batches;
}

export { batchesOf, forEachBounded };
