import { describe, expect, it } from 'vitest';
import { batchesOf } from '../../src/adapters/bounded.ts';

describe('Function: batchesOf', () => {
  it('cuts the items into batches of the size, in order, the last one shorter', () => {
    expect(batchesOf([1, 2, 3, 4, 5], 2)).toEqual([[1, 2], [3, 4], [5]]);
    expect(batchesOf([1, 2], 2)).toEqual([[1, 2]]);
    expect(batchesOf([], 10)).toEqual([]);
  });
});
