import { type Cents, formatMoney, MAX_MONEY_CENTS } from '@txnflow/contracts';

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

/**
 * A transaction the ledger can never apply as it stands, so retrying cannot help: the
 * handler dead-letters it at once with this message. Subclasses say why.
 */
class TransactionRefusedError extends LedgerError {
  readonly customerId: string;
  readonly transactionId: string;

  constructor(customerId: string, transactionId: string, message: string, options?: ErrorOptions) {
    super(`transaction ${transactionId} of customer ${customerId}: ${message}`, options);
    this.name = 'TransactionRefusedError';
    this.customerId = customerId;
    this.transactionId = transactionId;
  }
}

/** Applying the transaction would take the balance past the largest one the ledger keeps. */
class BalanceOutOfRangeError extends TransactionRefusedError {
  readonly balanceCents: Cents;
  readonly wouldBeCents: Cents;

  constructor(customerId: string, transactionId: string, balanceCents: Cents, wouldBe: Cents) {
    super(
      customerId,
      transactionId,
      `it would take the balance from ${formatMoney(balanceCents)} to ${formatMoney(wouldBe)}, ` +
        `beyond the largest supported balance of ±${formatMoney(MAX_MONEY_CENTS)}`,
    );
    this.name = 'BalanceOutOfRangeError';
    this.balanceCents = balanceCents;
    this.wouldBeCents = wouldBe;
  }
}

/** A ledger table did not answer as the port promises (keys left unprocessed, say). */
class LedgerStoreError extends LedgerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LedgerStoreError';
  }
}

/** Configuration that cannot be used, named. */
class LedgerConfigError extends LedgerError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LedgerConfigError';
  }
}

export {
  BalanceContentionError,
  BalanceOutOfRangeError,
  LedgerConfigError,
  LedgerError,
  LedgerStoreError,
  TransactionRefusedError,
};
