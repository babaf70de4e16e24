import type { Cents, Page, PageRequest } from '@txnflow/contracts';

/** A high-balance alert as the Alerts table keeps it. */
interface Alert {
  /** From the event: one id per crossing, the same on every redelivery. */
  readonly alertId: string;
  readonly customerId: string;
  readonly balanceCents: Cents;
  readonly previousBalanceCents: Cents;
  readonly thresholdCents: Cents;
  readonly transactionId: string;
  readonly transactionDate: string;
  readonly detectedAt: string;
  readonly correlationId: string;
  /** False until the email went out (an outbox flag). */
  readonly notified: boolean;
}

/** The Alerts table. Adapters: DynamoDB and SQLite. */
interface AlertStore {
  /** Inserts the alert unless its id is known: 'duplicate' then, and nothing changes. */
  record(alert: Alert): Promise<'recorded' | 'duplicate'>;
  find(alertId: string): Promise<Alert | undefined>;
  /**
   * Claims the right to send the alert's email: true for exactly one caller while the
   * alert is not notified and no other claim is younger than `leaseSeconds` (a claim whose
   * holder crashed expires, so a redelivery can send it).
   */
  claimEmail(alertId: string, now: Date, leaseSeconds: number): Promise<boolean>;
  markNotified(alertId: string): Promise<void>;
  listAlerts(): Promise<Alert[]>;
}

/**
 * The key alerts are listed by: detected time, then alert id.
 *
 * @example alertListingKey(alert) // '2026-11-03T10:00:00.000Z C2:T1012'
 */
const alertListingKey = (alert: Pick<Alert, 'detectedAt' | 'alertId'>): string =>
  `${alert.detectedAt} ${alert.alertId}`;

/**
 * What alerting's query API reads: alerts in the order they were detected, a page at a time
 * ({@link alertListingKey}). On DynamoDB a Query of the Alerts table's `Listing` index, never
 * a Scan. Adapters: DynamoDB and SQLite.
 */
interface AlertQueries {
  alertsPage(page: PageRequest): Promise<Page<Alert>>;
}

/** An email to the HighBalanceAlert topic's subscribers. */
interface Email {
  readonly subject: string;
  readonly body: string;
}

/** An email handed to the topic: the topic's message id names it (SNS MessageId). */
interface SentEmail {
  readonly messageId: string;
}

/** Sends email through the HighBalanceAlert topic. Adapters: SNS and the local topic. */
interface EmailNotifier {
  send(email: Email): Promise<SentEmail>;
}

export type { Alert, AlertQueries, AlertStore, Email, EmailNotifier, SentEmail };
export { alertListingKey };
