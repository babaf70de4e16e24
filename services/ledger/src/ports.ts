import type { Cents, Page, PageRequest } from '@txnflow/contracts';

/** A customer's balance and the version that guards concurrent updates to it. */
interface Balance {
  readonly customerId: string;
  readonly cents: Cents;
  /** 0 for a customer never seen; each applied entry increments it (the number of entries). */
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
  /**
   * The balance version this entry produced: 1 for a customer's first entry, then 2, 3...
   * Sorting a customer's entries by it gives the chain (each before is the previous after).
   */
  readonly version: number;
  /** The threshold in force when applied, and whether this entry crossed it upward. */
  readonly thresholdCents: Cents;
  readonly crossedThreshold: boolean;
  /** False until HighBalanceDetected is published for a crossing (an outbox flag). */
  readonly alertPublished: boolean;
}

/** Which of a customer's transactions a batch is about to apply. */
interface CustomerRead {
  readonly customerId: string;
  readonly transactionIds: readonly string[];
}

/** What one read saw of a customer: the balance, and the asked-for entries applied already. */
interface CustomerSnapshot {
  readonly balance: Balance;
  /** Entries among the asked-for transaction ids that exist, by transaction id. */
  readonly applied: ReadonlyMap<string, LedgerEntry>;
}

/**
 * A customer's part of a batch: new entries chained on the balance that was read. Entry i
 * has `balanceBeforeCents` = entry i-1's `balanceAfterCents` (the first: the balance read)
 * and `version` = `expectedVersion` + i + 1. The balance becomes the last entry's after.
 */
interface CustomerCommit {
  readonly customerId: string;
  /** The balance version that was read; nothing commits if the balance moved since. */
  readonly expectedVersion: number;
  readonly entries: readonly LedgerEntry[];
}

/**
 * How a {@link CustomerCommit} ended. `conflict`: the balance moved since it was read, or an
 * entry exists already; read again and plan again. `failed`: an error the store could not
 * classify (throttling after the SDK's retries, say). Both tell how many of the entries, from
 * the first, did commit with their balance: 0 except where a store splits a long commit, or
 * (DynamoDB) failed after the commit point, writing the committed entries as items of their
 * own; such entries are applied, and the store finds them on its next read.
 */
type CommitResult =
  | { readonly status: 'committed' }
  | { readonly status: 'conflict'; readonly committedEntries: number }
  | { readonly status: 'failed'; readonly committedEntries: number; readonly error: unknown };

/**
 * The ledger's tables: TransactionTotal (balances) and LedgerEntries (one row per applied
 * transaction). Adapters: DynamoDB (standard writes, the balance item as commit point) and
 * SQLite (the local runtime, one transaction).
 *
 * The commit point of a customer's new entries is that customer's balance: the entries are
 * applied exactly when the balance moves to the version they end at, all of them or none,
 * and only if the balance is still at the version that was read and none of the entries was
 * applied already. So, whatever the batching, concurrency, duplicates, crashes or order, a
 * balance equals the sum of the distinct transactions applied to it, and its entries form
 * one chain (versions 1..n, each before the previous after).
 */
interface LedgerStore {
  /**
   * Each customer's balance and, read after it and up to date, which of its listed
   * transactions were applied. A balance may be a moment old (DynamoDB reads it eventually
   * consistent): a commit planned on a stale version is refused as a conflict.
   */
  read(customers: readonly CustomerRead[]): Promise<Map<string, CustomerSnapshot>>;
  /**
   * Commits each customer's entries with its balance, one result per commit in order. Commits
   * of different customers are independent: one that conflicts or fails leaves the others be.
   * A store may split a commit too large for one write into parts, each entries-plus-balance
   * and written only after the previous one committed (see `committedEntries`).
   */
  commit(commits: readonly CustomerCommit[]): Promise<CommitResult[]>;
  markAlertPublished(customerId: string, transactionId: string): Promise<void>;
  listBalances(): Promise<Balance[]>;
  /** A customer's entries in chain order (by version). */
  listEntries(customerId: string): Promise<LedgerEntry[]>;
}

/**
 * What the ledger's query API reads, a page at a time in key order. On DynamoDB every read is
 * a GetItem or a Query (balances through TransactionTotal's `Listing` index), never a Scan.
 * Adapters: DynamoDB and SQLite.
 */
interface LedgerQueries {
  /** Balances in customer id order. */
  balancesPage(page: PageRequest): Promise<Page<Balance>>;
  findBalance(customerId: string): Promise<Balance | undefined>;
  /**
   * A customer's entries in transaction id order (each carries its chain `version`), those
   * committed but not yet written as items of their own included.
   */
  entriesPage(customerId: string, page: PageRequest): Promise<Page<LedgerEntry>>;
}

export type {
  Balance,
  CommitResult,
  CustomerCommit,
  CustomerRead,
  CustomerSnapshot,
  LedgerEntry,
  LedgerQueries,
  LedgerStore,
};
