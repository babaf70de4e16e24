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

/**
 * Applies one TransactionRecorded to the customer's balance, exactly once.
 *
 * Input: a validated event. Output: whether it was applied or a duplicate, and whether a
 * HighBalanceDetected was published. Steps: load the balance and any earlier entry; a
 * known entry is a duplicate (its unpublished alert, if a crash left one, is published
 * now); otherwise record the entry and the new balance in one atomic write guarded by the
 * balance's version (retried when another writer got there first); on an upward crossing
 * of the threshold, publish HighBalanceDetected, then mark it published.
 *
 * @example await applyTransaction(event, { store, publisher, thresholdCents: 150_000 });
 * @throws {BalanceContentionError} when the balance changed under every attempt.
 */
async function applyTransaction(
  event: TransactionRecorded,
  deps: ApplyTransactionDeps,
): Promise<ApplyOutcome> {
  const { customerId, transactionId, transactionDate, amount } = event.detail.data;
  const amountCents = parseMoney(amount);
  const maxAttempts = deps.maxAttempts ?? 10;
  for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
    const { balance, entry: existing } = await deps.store.load(customerId, transactionId);
    if (existing) {
      return { kind: 'duplicate', alerted: await publishPendingAlert(existing, event, deps) };
    }
    const balanceAfterCents = balance.cents + amountCents;
    const entry: LedgerEntry = {
      customerId,
      transactionId,
      transactionDate,
      amountCents,
      balanceBeforeCents: balance.cents,
      balanceAfterCents,
      thresholdCents: deps.thresholdCents,
      crossedThreshold: crossedThreshold(balance.cents, balanceAfterCents, deps.thresholdCents),
      alertPublished: false,
    };
    if ((await deps.store.apply(entry, balance.version)) === 'applied') {
      const alerted = await publishPendingAlert(entry, event, deps);
      return { kind: 'applied', balanceCents: balanceAfterCents, alerted };
    }
    // 'duplicate' or 'stale-balance': another delivery or writer won; load again and decide.
  }
  throw new BalanceContentionError(customerId, maxAttempts);
}

export type { ApplyOutcome, ApplyTransactionDeps };
export { alertIdOf, applyTransaction };
