import {
  buildEvent,
  type Cents,
  type EventPublisher,
  formatMoney,
  parseMoney,
  type ReceivedEvent,
} from '@txnflow/contracts';
import type { LedgerEntry, LedgerStore } from '../ports.ts';
import { crossedThreshold } from './crossing.ts';
import { BalanceContentionError } from './errors.ts';

interface ApplyTransactionDeps {
  readonly store: LedgerStore;
  readonly publisher: EventPublisher;
  readonly thresholdCents: Cents;
  readonly clock?: () => Date;
  /** Optimistic attempts when other writers change the same balance. @default 10 */
  readonly maxAttempts?: number;
}

type ApplyOutcome =
  | { readonly kind: 'applied'; readonly balanceCents: Cents; readonly alerted: boolean }
  | { readonly kind: 'duplicate'; readonly alerted: boolean };

type TransactionRecorded = ReceivedEvent<'TransactionRecorded'>;

/** The alert id is derived from the crossing, so a duplicate or replay carries the same one. */
const alertIdOf = (entry: LedgerEntry): string => `${entry.customerId}:${entry.transactionId}`;

async function publishPendingAlert(
  entry: LedgerEntry,
  event: TransactionRecorded,
  deps: ApplyTransactionDeps,
): Promise<boolean> {
  if (!entry.crossedThreshold || entry.alertPublished) return false;
  const now = deps.clock?.() ?? new Date();
  const alert = buildEvent(
    'HighBalanceDetected',
    {
      alertId: alertIdOf(entry),
      customerId: entry.customerId,
      balance: formatMoney(entry.balanceAfterCents),
      previousBalance: formatMoney(entry.balanceBeforeCents),
      threshold: formatMoney(entry.thresholdCents),
      transaction: {
        transactionId: entry.transactionId,
        amount: formatMoney(entry.amountCents),
        transactionDate: entry.transactionDate,
      },
      detectedAt: now.toISOString(),
    },
    {
      correlationId: event.detail.metadata.correlationId,
      causationId: event.detail.metadata.eventId,
      replayName: event.replayName ?? event.detail.metadata.replayName,
    },
    now,
  );
  await deps.publisher.publish([alert]);
  await deps.store.markAlertPublished(entry.customerId, entry.transactionId);
  return true;
}

type Planned = {
  readonly index: number;
  readonly entry: LedgerEntry;
  readonly expectedVersion: number;
};

/** The result for one event of a batch: its outcome, or the error that stopped it. */
type BatchItemResult =
  | { readonly ok: true; readonly outcome: ApplyOutcome }
  | { readonly ok: false; readonly error: unknown };

/**
 * Plans one round: loads each pending event's balance (a known entry makes it a
 * duplicate), and chains the entries of one customer in batch order, each expecting the
 * version the previous one sets.
 */
async function planRound(
  events: readonly TransactionRecorded[],
  pending: readonly number[],
  deps: ApplyTransactionDeps,
): Promise<{
  planned: Planned[];
  duplicates: { index: number; entry: LedgerEntry }[];
  later: number[];
}> {
  const planned: Planned[] = [];
  const duplicates: { index: number; entry: LedgerEntry }[] = [];
  const later: number[] = [];
  const running = new Map<string, { cents: number; version: number }>();
  const plannedKeys = new Set<string>();
  for (const index of pending) {
    const { customerId, transactionId, transactionDate, amount } = events[index]!.detail.data;
    const key = `${customerId}\u0000${transactionId}`;
    if (plannedKeys.has(key)) {
      later.push(index); // the same transaction twice in one batch: the next round sees it applied
      continue;
    }
    const { balance, entry: existing } = await deps.store.load(customerId, transactionId);
    if (existing) {
      duplicates.push({ index, entry: existing });
      continue;
    }
    const base = running.get(customerId) ?? balance;
    const amountCents = parseMoney(amount);
    const balanceAfterCents = base.cents + amountCents;
    planned.push({
      index,
      expectedVersion: base.version,
      entry: {
        customerId,
        transactionId,
        transactionDate,
        amountCents,
        balanceBeforeCents: base.cents,
        balanceAfterCents,
        thresholdCents: deps.thresholdCents,
        crossedThreshold: crossedThreshold(base.cents, balanceAfterCents, deps.thresholdCents),
        alertPublished: false,
      },
    });
    plannedKeys.add(key);
    running.set(customerId, { cents: balanceAfterCents, version: base.version + 1 });
  }
  return { planned, duplicates, later };
}

/**
 * Applies a batch of TransactionRecorded to the customers' balances, each exactly once.
 *
 * Input: validated events (an SQS batch). Output: one result per event, in order. Steps:
 * load each balance and any earlier entry; a known entry is a duplicate (its unpublished
 * alert, if a crash left one, is published now); record the new entries and balances in
 * order, each write guarded by the balance's version (one SQLite transaction locally),
 * and plan again what another writer got to first; publish HighBalanceDetected for each
 * upward crossing of the threshold, then mark it published.
 *
 * @example const results = await applyTransactions(events, { store, publisher, thresholdCents: 150_000 });
 */
async function applyTransactions(
  events: readonly TransactionRecorded[],
  deps: ApplyTransactionDeps,
): Promise<BatchItemResult[]> {
  const maxAttempts = deps.maxAttempts ?? 10;
  const results = new Array<BatchItemResult>(events.length);
  const toAlert: { index: number; entry: LedgerEntry; kind: 'applied' | 'duplicate' }[] = [];
  let pending = events.map((_e, i) => i);
  for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt += 1) {
    const { planned, duplicates, later } = await planRound(events, pending, deps);
    for (const { index, entry } of duplicates) toAlert.push({ index, entry, kind: 'duplicate' });
    const applied = await deps.store.applyInOrder(planned);
    const retry = [...later];
    planned.forEach((p, i) => {
      if (applied[i] === 'applied')
        toAlert.push({ index: p.index, entry: p.entry, kind: 'applied' });
      else retry.push(p.index); // 'duplicate' or 'stale-balance': load again and decide
    });
    pending = retry.sort((a, b) => a - b);
  }
  for (const index of pending) {
    const customerId = events[index]?.detail.data.customerId ?? '';
    results[index] = {
      ok: false,
      error: new BalanceContentionError(customerId, deps.maxAttempts ?? 10),
    };
  }
  // A transaction twice in one batch: its entry was read before this batch published.
  const handled = new Set<string>();
  for (const { index, entry, kind } of toAlert) {
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
export { alertIdOf, applyTransaction, applyTransactions };
