import { parseMoney, type ReceivedEvent } from '@txnflow/contracts';
import type { Alert, AlertStore, EmailNotifier } from '../ports.ts';
import { renderAlertEmail } from './alert-email.ts';

interface RecordAlertDeps {
  readonly store: AlertStore;
  readonly notifier: EmailNotifier;
}

type RecordAlertOutcome =
  | { readonly kind: 'recorded'; readonly emailed: true }
  | { readonly kind: 'duplicate'; readonly emailed: boolean };

function alertOf(event: ReceivedEvent<'HighBalanceDetected'>): Alert {
  const { data, metadata } = event.detail;
  return {
    alertId: data.alertId,
    customerId: data.customerId,
    balanceCents: parseMoney(data.balance),
    previousBalanceCents: parseMoney(data.previousBalance),
    thresholdCents: parseMoney(data.threshold),
    transactionId: data.transaction.transactionId,
    transactionDate: data.transaction.transactionDate,
    detectedAt: data.detectedAt,
    correlationId: metadata.correlationId,
    notified: false,
  };
}

/**
 * Records a high-balance alert and emails the customer, once per alert id.
 *
 * Input: a validated HighBalanceDetected. Output: whether it was new and whether an email
 * went out. Steps: insert the alert (a known id is a duplicate); email unless an earlier
 * delivery already did; mark it notified. A crash between email and mark can send the
 * email twice: at-least-once, never zero times.
 *
 * @example await recordAlert(event, { store, notifier });
 */
async function recordAlert(
  event: ReceivedEvent<'HighBalanceDetected'>,
  deps: RecordAlertDeps,
): Promise<RecordAlertOutcome> {
  const alert = alertOf(event);
  const recorded = await deps.store.record(alert);
  if (recorded === 'duplicate') {
    const existing = await deps.store.find(alert.alertId);
    if (existing?.notified) return { kind: 'duplicate', emailed: false };
  }
  await deps.notifier.send(renderAlertEmail(alert));
  await deps.store.markNotified(alert.alertId);
  return recorded === 'recorded'
    ? { kind: 'recorded', emailed: true }
    : { kind: 'duplicate', emailed: true };
}

export type { RecordAlertDeps, RecordAlertOutcome };
export { recordAlert };
