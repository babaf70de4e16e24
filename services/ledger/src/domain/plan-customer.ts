import { type Cents, MAX_MONEY_CENTS } from '@txnflow/contracts';
import type { CustomerCommit, CustomerSnapshot, LedgerEntry } from '../ports.ts';
import { crossedThreshold } from './crossing.ts';
import { BalanceOutOfRangeError } from './errors.ts';

/** One transaction of a batch, as the ledger plans it. */
interface PlannedTransaction {
  /** Its position in the batch, to report its outcome. */
  readonly index: number;
  readonly transactionId: string;
  readonly transactionDate: string;
  readonly amountCents: Cents;
}

/** A customer's plan for one attempt: what to commit, and what needs no write. */
interface CustomerPlan {
  readonly commit: CustomerCommit;
  /** Transactions of the batch the read found applied already. */
  readonly duplicates: readonly { readonly index: number; readonly entry: LedgerEntry }[];
  /** Transactions that can never apply to this balance (a permanent failure, not a retry). */
  readonly refused: readonly { readonly index: number; readonly error: BalanceOutOfRangeError }[];
  /** The batch position of each entry of `commit.entries`, in the same order. */
  readonly entryIndexes: readonly number[];
}

/**
 * Plans a customer's transactions on the balance one read saw: a transaction the read found
 * applied is a duplicate; every other one becomes the next entry of one chain that starts at
 * the balance read, in batch order. A transaction that would take the balance past
 * {@link MAX_MONEY_CENTS} is refused and the chain goes on without it.
 *
 * Pure: the same snapshot and transactions give the same plan.
 *
 * @example planCustomer('C1', snapshot, [{ index: 0, transactionId: 'T1', transactionDate: '2023-03-01', amountCents: 100 }], 150_000)
 */
function planCustomer(
  customerId: string,
  snapshot: CustomerSnapshot,
  transactions: readonly PlannedTransaction[],
  thresholdCents: Cents,
): CustomerPlan {
  const duplicates: { index: number; entry: LedgerEntry }[] = [];
  const refused: { index: number; error: BalanceOutOfRangeError }[] = [];
  const entries: LedgerEntry[] = [];
  const entryIndexes: number[] = [];
  let { cents, version } = snapshot.balance;
  for (const transaction of transactions) {
    const existing = snapshot.applied.get(transaction.transactionId);
    if (existing) {
      duplicates.push({ index: transaction.index, entry: existing });
      continue;
    }
    const after = cents + transaction.amountCents;
    if (Math.abs(after) > MAX_MONEY_CENTS) {
      refused.push({
        index: transaction.index,
        error: new BalanceOutOfRangeError(customerId, transaction.transactionId, cents, after),
      });
      continue;
    }
    version += 1;
    entries.push({
      customerId,
      transactionId: transaction.transactionId,
      transactionDate: transaction.transactionDate,
      amountCents: transaction.amountCents,
      balanceBeforeCents: cents,
      balanceAfterCents: after,
      version,
      thresholdCents,
      crossedThreshold: crossedThreshold(cents, after, thresholdCents),
      alertPublished: false,
    });
    entryIndexes.push(transaction.index);
    cents = after;
  }
  const commit = { customerId, expectedVersion: snapshot.balance.version, entries };
  return { commit, duplicates, refused, entryIndexes };
}

export type { CustomerPlan, PlannedTransaction };
export { planCustomer };
