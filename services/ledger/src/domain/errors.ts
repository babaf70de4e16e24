/** Base class of the ledger's errors. */
class LedgerError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LedgerError';
  }
}

/** The balance kept changing under us: more concurrent writers than attempts. */
class BalanceContentionError extends LedgerError {
  readonly customerId: string;
  readonly attempts: number;

  constructor(customerId: string, attempts: number) {
    super(`balance of ${customerId} changed concurrently on each of ${attempts} attempts`);
    this.name = 'BalanceContentionError';
    this.customerId = customerId;
    this.attempts = attempts;
  }
}

/** Configuration that cannot be used, named. */
class LedgerConfigError extends LedgerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LedgerConfigError';
  }
}

export { BalanceContentionError, LedgerConfigError, LedgerError };
