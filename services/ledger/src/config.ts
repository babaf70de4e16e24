import { type Cents, InvalidMoneyError, parseMoney } from '@txnflow/contracts';
import { LedgerConfigError } from './domain/errors.ts';

interface LedgerConfig {
  readonly thresholdCents: Cents;
}

const DEFAULT_THRESHOLD = '1500.00';

/**
 * Reads the ledger's configuration once, at the edge (handler or CLI).
 * `HIGH_BALANCE_THRESHOLD`: a decimal amount, default 1500.00.
 *
 * @example readLedgerConfig(process.env).thresholdCents // 150000
 * @throws {LedgerConfigError} naming the variable and its bad value.
 */
function readLedgerConfig(env: Readonly<Record<string, string | undefined>>): LedgerConfig {
  const text = env.HIGH_BALANCE_THRESHOLD ?? DEFAULT_THRESHOLD;
  try {
    return { thresholdCents: parseMoney(text) };
  } catch (error) {
    if (!(error instanceof InvalidMoneyError)) throw error;
    throw new LedgerConfigError(`HIGH_BALANCE_THRESHOLD: ${error.message}`, { cause: error });
  }
}

export type { LedgerConfig };
export { DEFAULT_THRESHOLD, readLedgerConfig };
