import type { Cents } from '@txnflow/contracts';

/**
 * Whether a balance moved from below the threshold to at or above it: an upward crossing.
 * A balance that was already at or above does not cross again until it drops below.
 *
 * @example crossedThreshold(149_999, 150_000, 150_000) // true
 */
function crossedThreshold(before: Cents, after: Cents, threshold: Cents): boolean {
  return before < threshold && after >= threshold;
}

export { crossedThreshold };
