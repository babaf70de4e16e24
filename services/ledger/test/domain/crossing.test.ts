import { describe, expect, it } from 'vitest';
import { crossedThreshold } from '../../src/domain/crossing.ts';

describe('Function: crossedThreshold', () => {
  it.each([
    ['from below to exactly the threshold', 149_999, 150_000, true],
    ['from below to above', 100_000, 175_000, true],
    ['from negative to above', -5_000, 160_000, true],
    ['staying below', 100_000, 149_999, false],
    ['already at the threshold and rising', 150_000, 160_000, false],
    ['already above and falling', 175_000, 100_000, false],
    ['falling from above to below', 160_000, 149_000, false],
  ])('%s: %i -> %i is %s', (_case, before, after, expected) => {
    expect(crossedThreshold(before, after, 150_000)).toBe(expected);
  });
});
