import { parseMoney, type ReceivedEvent } from '@txnflow/contracts';
import type { Alert, AlertStore, EmailNotifier } from '../ports.ts';
import { renderAlertEmail } from './alert-email.ts';

interface RecordAlertDeps {
  readonly store: AlertStore;
  readonly notifier: EmailNotifier;
  readonly clock?: () => Date;
  /** How long a claim to send the email holds before a redelivery may take over. @default 60 */
  readonly emailLeaseSeconds?: number;
}

type RecordAlertOutcome = {
  readonly kind: 'recorded' | 'duplicate';
  readonly emailed: boolean;
  /** The topic's id of the email this call sent (the `.eml` file locally is named after it). */
  readonly emailMessageId?: string;
};

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
 * went out. Steps: insert the alert (a known id is a duplicate); claim the email, so that
 * of concurrent duplicate deliveries only one sends it; email; mark it notified. A crash
 * between email and mark can send the email twice once the claim expires: at-least-once,
 * never zero times.
 *
 * @example await recordAlert(event, { store, notifier });
 */
async function recordAlert(
  event: ReceivedEvent<'HighBalanceDetected'>,
  deps: RecordAlertDeps,
): Promise<RecordAlertOutcome> {
  const alert = alertOf(event);
  const kind = await deps.store.record(alert);
  const now = deps.clock?.() ?? new Date();
  const claimed = await deps.store.claimEmail(alert.alertId, now, deps.emailLeaseSeconds ?? 60);
  if (!claimed) return { kind, emailed: false };
  const sent = await deps.notifier.send(renderAlertEmail(alert));
  await deps.store.markNotified(alert.alertId);
  return { kind, emailed: true, emailMessageId: sent.messageId };
}

export type { RecordAlertDeps, RecordAlertOutcome };
export { recordAlert };
