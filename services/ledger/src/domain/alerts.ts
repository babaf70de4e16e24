import {
  buildEvent,
  type Cents,
  type EventPublisher,
  formatMoney,
  type ReceivedEvent,
} from '@txnflow/contracts';
import type { LedgerEntry, LedgerStore } from '../ports.ts';

/** The alert id is derived from the crossing, so a duplicate or replay carries the same one. */
const alertIdOf = (entry: LedgerEntry): string => `${entry.customerId}:${entry.transactionId}`;

interface AlertDeps {
  readonly store: LedgerStore;
  readonly publisher: EventPublisher;
  readonly thresholdCents: Cents;
  readonly clock?: () => Date;
}

/**
 * Publishes HighBalanceDetected for an entry that crossed the threshold and was not yet
 * published (the outbox flag), then marks it published. Returns whether it published.
 * Publish-then-mark: a crash in between publishes again on the next delivery, which the
 * alerting service absorbs by alert id.
 *
 * @example await publishPendingAlert(entry, event, { store, publisher, thresholdCents: 150_000 })
 */
async function publishPendingAlert(
  entry: LedgerEntry,
  event: ReceivedEvent<'TransactionRecorded'>,
  deps: AlertDeps,
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

export { alertIdOf, publishPendingAlert };
