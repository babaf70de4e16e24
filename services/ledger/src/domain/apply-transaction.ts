import {
  type Cents,
  type EventPublisher,
  InvalidMoneyError,
  parseMoney,
  type ReceivedEvent,
} from '@txnflow/contracts';
import type { CommitResult, CustomerSnapshot, LedgerEntry, LedgerStore } from '../ports.ts';
import { alertIdOf, publishPendingAlert } from './alerts.ts';
import { BalanceContentionError, TransactionRefusedError } from './errors.ts';
import { type CustomerPlan, type PlannedTransaction, planCustomer } from './plan-customer.ts';

interface ApplyTransactionDeps {
  readonly store: LedgerStore;
  readonly publisher: EventPublisher;
  readonly thresholdCents: Cents;
  readonly clock?: () => Date;
  /** Attempts for a customer whose balance other writers keep changing. @default 10 */
  readonly maxAttempts?: number;
  /** Waits before attempt `attempt` (2, 3, ...) of the customers that conflicted. @default - no wait */
  readonly backoff?: (attempt: number) => Promise<void>;
}

type ApplyOutcome =
  | { readonly kind: 'applied'; readonly balanceCents: Cents; readonly alerted: boolean }
  | { readonly kind: 'duplicate'; readonly alerted: boolean };

type TransactionRecorded = ReceivedEvent<'TransactionRecorded'>;

/** The result for one event of a batch: its outcome, or the error that stopped it. */
type BatchItemResult =
  | { readonly ok: true; readonly outcome: ApplyOutcome }
  | { readonly ok: false; readonly error: unknown };

/** An entry this batch applied, or found applied, whose alert may still need publishing. */
interface Settled {
  readonly index: number;
  readonly entry: LedgerEntry;
  readonly kind: 'applied' | 'duplicate';
}

/** The batch sorted by customer, each transaction once; repeats point at their first. */
interface BatchByCustomer {
  readonly customers: Map<string, PlannedTransaction[]>;
  /** Batch index of a repeated transaction -> index of its first occurrence. */
  readonly repeats: Map<number, number>;
}

/** The amount in cents, or the refusal of an amount the ledger cannot hold exactly. */
function amountOf(event: TransactionRecorded): Cents | TransactionRefusedError {
  const { customerId, transactionId, amount } = event.detail.data;
  try {
    return parseMoney(amount);
  } catch (error) {
    if (!(error instanceof InvalidMoneyError)) throw error;
    return new TransactionRefusedError(customerId, transactionId, error.message, { cause: error });
  }
}

function groupByCustomer(
  events: readonly TransactionRecorded[],
  results: BatchItemResult[],
): BatchByCustomer {
  const customers = new Map<string, PlannedTransaction[]>();
  const repeats = new Map<number, number>();
  const firstIndex = new Map<string, number>();
  for (const [index, event] of events.entries()) {
    const { customerId, transactionId, transactionDate } = event.detail.data;
    const key = `${customerId}\u0000${transactionId}`;
    const first = firstIndex.get(key);
    if (first !== undefined) {
      repeats.set(index, first);
      continue;
    }
    firstIndex.set(key, index);
    const amountCents = amountOf(event);
    if (amountCents instanceof TransactionRefusedError) {
      results[index] = { ok: false, error: amountCents };
      continue;
    }
    const planned = customers.get(customerId) ?? [];
    planned.push({ index, transactionId, transactionDate, amountCents });
    customers.set(customerId, planned);
  }
  return { customers, repeats };
}

const emptySnapshot = (customerId: string): CustomerSnapshot => ({
  balance: { customerId, cents: 0, version: 0 },
  applied: new Map(),
});

/**
 * One attempt for the customers still pending: read them all, plan each on what was read,
 * commit each customer's entries with its balance. Returns the customers that conflicted,
 * with the transactions they still have to apply.
 */
async function attempt(
  pending: ReadonlyMap<string, readonly PlannedTransaction[]>,
  deps: ApplyTransactionDeps,
  settled: Settled[],
  results: BatchItemResult[],
): Promise<Map<string, PlannedTransaction[]>> {
  const reads = [...pending].map(([customerId, transactions]) => ({
    customerId,
    transactionIds: transactions.map((t) => t.transactionId),
  }));
  const snapshots = await deps.store.read(reads);
  const plans = [...pending].map(([customerId, transactions]) =>
    planCustomer(
      customerId,
      snapshots.get(customerId) ?? emptySnapshot(customerId),
      transactions,
      deps.thresholdCents,
    ),
  );
  // A transaction found applied stays applied, whatever happens to this attempt's commit.
  for (const plan of plans) {
    for (const { index, entry } of plan.duplicates)
      settled.push({ index, entry, kind: 'duplicate' });
  }
  const writing = plans.filter((plan) => plan.commit.entries.length > 0);
  for (const plan of plans) if (plan.commit.entries.length === 0) settleRefusals(plan, results);
  const outcomes = writing.length > 0 ? await deps.store.commit(writing.map((p) => p.commit)) : [];
  const conflicted = new Map<string, PlannedTransaction[]>();
  for (const [i, plan] of writing.entries()) {
    const outcome = outcomes[i];
    if (!outcome) throw new Error(`LedgerStore.commit returned no result for commit ${i}`);
    const left = settleCommit(plan, outcome, pending, settled, results);
    if (left) conflicted.set(plan.commit.customerId, left);
  }
  return conflicted;
}

/**
 * Records what a customer's commit wrote; returns the transactions to plan again after a
 * conflict. A failure fails what was not written.
 */
function settleCommit(
  plan: CustomerPlan,
  outcome: CommitResult,
  pending: ReadonlyMap<string, readonly PlannedTransaction[]>,
  settled: Settled[],
  results: BatchItemResult[],
): PlannedTransaction[] | undefined {
  const committed =
    outcome.status === 'committed' ? plan.commit.entries.length : outcome.committedEntries;
  for (const [j, entry] of plan.commit.entries.slice(0, committed).entries()) {
    settled.push({ index: plan.entryIndexes[j] ?? -1, entry, kind: 'applied' });
  }
  if (outcome.status === 'committed') {
    settleRefusals(plan, results);
    return undefined;
  }
  const left = leftToApply(pending.get(plan.commit.customerId) ?? [], plan, committed);
  if (outcome.status === 'conflict') return left;
  for (const { index } of left) results[index] = { ok: false, error: outcome.error };
  return undefined;
}

function failAll(
  pending: ReadonlyMap<string, readonly PlannedTransaction[]>,
  error: unknown,
  results: BatchItemResult[],
): void {
  for (const transactions of pending.values()) {
    for (const { index } of transactions) results[index] = { ok: false, error };
  }
}

/** A refusal stands once the balance it was decided on is the one committed upon. */
function settleRefusals(plan: CustomerPlan, results: BatchItemResult[]): void {
  for (const { index, error } of plan.refused) results[index] = { ok: false, error };
}

/** What a customer still has to apply after a commit wrote only its first entries. */
function leftToApply(
  transactions: readonly PlannedTransaction[],
  plan: CustomerPlan,
  committedEntries: number,
): PlannedTransaction[] {
  const done = new Set(plan.entryIndexes.slice(0, committedEntries));
  for (const { index } of plan.duplicates) done.add(index);
  return transactions.filter((t) => !done.has(t.index));
}

/** Publishes what the batch's entries owe (each alert once) and fills in their outcomes. */
async function publishAndReport(
  events: readonly TransactionRecorded[],
  settled: readonly Settled[],
  deps: ApplyTransactionDeps,
  results: BatchItemResult[],
): Promise<void> {
  const handled = new Set<string>();
  for (const { index, entry, kind } of settled) {
    try {
      const key = alertIdOf(entry);
      const alerted = !handled.has(key) && (await publishPendingAlert(entry, events[index]!, deps));
      handled.add(key);
      results[index] = {
        ok: true,
        outcome:
          kind === 'applied'
            ? { kind, balanceCents: entry.balanceAfterCents, alerted }
            : { kind, alerted },
      };
    } catch (error) {
      results[index] = { ok: false, error };
    }
  }
}

/**
 * Applies a batch of TransactionRecorded to the customers' balances, each exactly once.
 *
 * Input: validated events (an SQS batch). Output: one result per event, in order. Steps:
 * group the batch by customer; read every customer's balance and which of its transactions
 * were applied (those are duplicates: an alert a crash left unpublished is published now);
 * chain each customer's new transactions on the balance read and commit them with the
 * balance in one write guarded by the version read; a customer whose balance moved
 * meanwhile is read and planned again, alone, up to `maxAttempts` times; publish
 * HighBalanceDetected for each upward crossing, then mark it published.
 *
 * @example const results = await applyTransactions(events, { store, publisher, thresholdCents: 150_000 });
 */
async function applyTransactions(
  events: readonly TransactionRecorded[],
  deps: ApplyTransactionDeps,
): Promise<BatchItemResult[]> {
  const maxAttempts = deps.maxAttempts ?? 10;
  const results = new Array<BatchItemResult>(events.length);
  const settled: Settled[] = [];
  const { customers, repeats } = groupByCustomer(events, results);
  let pending: Map<string, PlannedTransaction[]> = customers;
  for (let n = 1; n <= maxAttempts && pending.size > 0; n += 1) {
    if (n > 1) await deps.backoff?.(n);
    try {
      pending = await attempt(pending, deps, settled, results);
    } catch (error) {
      // The store failed as a whole (SQLite rolled the batch back): what is pending fails,
      // to be delivered again; what was settled before still gets its alerts and outcome.
      failAll(pending, error, results);
      pending = new Map();
    }
  }
  for (const [customerId, transactions] of pending) {
    failAll(
      new Map([[customerId, transactions]]),
      new BalanceContentionError(customerId, maxAttempts),
      results,
    );
  }
  await publishAndReport(events, settled, deps, results);
  for (const [index, first] of repeats) {
    const firstResult = results[first];
    results[index] = firstResult?.ok
      ? { ok: true, outcome: { kind: 'duplicate', alerted: false } }
      : (firstResult ?? { ok: false, error: new Error('unreachable: no result') });
  }
  return results;
}

/**
 * Applies one TransactionRecorded, exactly once: {@link applyTransactions} for a batch of one.
 *
 * @example await applyTransaction(event, { store, publisher, thresholdCents: 150_000 });
 * @throws {BalanceContentionError} when the balance changed under every attempt.
 */
async function applyTransaction(
  event: TransactionRecorded,
  deps: ApplyTransactionDeps,
): Promise<ApplyOutcome> {
  const [result] = await applyTransactions([event], deps);
  if (!result?.ok) throw result?.error;
  return result.outcome;
}

export type { ApplyOutcome, ApplyTransactionDeps, BatchItemResult };
export { applyTransaction, applyTransactions };
