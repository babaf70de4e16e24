import type { Cents } from '@txnflow/contracts';

/** A customer's balance and the version that guards concurrent updates to it. */
interface Balance {
  readonly customerId: string;
  readonly cents: Cents;
  /** 0 for a customer never seen; each applied entry increments it. */
  readonly version: number;
}

/** One transaction as the ledger applied it: what it did to the balance. */
interface LedgerEntry {
  readonly customerId: string;
  readonly transactionId: string;
  readonly transactionDate: string;
  readonly amountCents: Cents;
  readonly balanceBeforeCents: Cents;
  readonly balanceAfterCents: Cents;
  /** The threshold in force when applied, and whether this entry crossed it upward. */
  readonly thresholdCents: Cents;
  readonly crossedThreshold: boolean;
  /** False until HighBalanceDetected is published for a crossing (an outbox flag). */
  readonly alertPublished: boolean;
}

type ApplyResult = 'applied' | 'duplicate' | 'stale-balance';

/**
 * The ledger's tables: TransactionTotal (balances) and LedgerEntries (one row per applied
 * transaction). Adapters: DynamoDB (TransactWriteItems) and SQLite (the local runtime).
 */
interface LedgerStore {
  /** The customer's balance, and the entry if this transaction was applied already. */
  load(
    customerId: string,
    transactionId: string,
  ): Promise<{ balance: Balance; entry: LedgerEntry | undefined }>;
  /**
   * Atomically records the entry and sets the balance to `entry.balanceAfterCents`, only if
   * the entry is new ('duplicate' otherwise) and the balance is still at `expectedVersion`
   * ('stale-balance' otherwise: someone applied another transaction meanwhile).
   */
  apply(entry: LedgerEntry, expectedVersion: number): Promise<ApplyResult>;
  /**
   * Applies entries one after the other, each exactly as `apply` would (a later entry of
   * the same customer may expect the version an earlier one sets). An adapter may group
   * them into one write: one SQLite transaction locally.
   */
  applyInOrder(
    items: readonly { entry: LedgerEntry; expectedVersion: number }[],
  ): Promise<ApplyResult[]>;
  markAlertPublished(customerId: string, transactionId: string): Promise<void>;
  listBalances(): Promise<Balance[]>;
}

/** Structured log lines; Powertools Logger on AWS, quiet or console locally. */
interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export type { ApplyResult, Balance, LedgerEntry, LedgerStore, Log };
