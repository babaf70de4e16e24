import type { Cents } from '@txnflow/contracts';

/**
 * The largest balance magnitude the ledger keeps, in cents (10 trillion in currency units).
 * Cents are JavaScript numbers, exact only up to 2^53 (about 90 trillion units); a bound well
 * below it keeps every sum exact, and a transaction that would pass it is refused, never
 * stored wrong.
 */
const MAX_BALANCE_CENTS: Cents = 1_000_000_000_000_000;

export { MAX_BALANCE_CENTS };
