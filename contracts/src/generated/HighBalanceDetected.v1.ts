/* Generated from contracts/schemas/HighBalanceDetected.v1.schema.json by `npm run contracts:types`. Do not edit by hand. */

/**
 * Detail of the HighBalanceDetected event (source txnflow.ledger), published when a transaction moves a customer's balance from below the threshold to at or above it: once per upward crossing.
 */
export interface HighBalanceDetectedV1 {
  metadata: HighBalanceDetectedV1Metadata;
  data: HighBalanceDetectedV1Data;
}
export interface HighBalanceDetectedV1Metadata {
  /**
   * Unique id of this event, set by the producer.
   */
  eventId: string;
  /**
   * Version of this event's schema; consumers dispatch on it.
   */
  schemaVersion: "1";
  /**
   * Shared by every event that stems from one ingested file.
   */
  correlationId: string;
  /**
   * Id of the event (or S3 notification) that caused this one.
   */
  causationId: string;
  /**
   * When the producer emitted the event (ISO 8601).
   */
  occurredAt: string;
  /**
   * Set when the event was caused by an archive replay: the replay's name. Notification rules exclude such events.
   */
  replayName?: string;
}
export interface HighBalanceDetectedV1Data {
  /**
   * Deterministic id of this crossing (customer id and crossing transaction id): duplicates and replays carry the same id, so alerting is idempotent on it.
   */
  alertId: string;
  /**
   * Customer id as given in the transactions file.
   */
  customerId: string;
  /**
   * Balance right after the crossing transaction. Money as a decimal string with exactly 2 fraction digits (e.g. "1750.00", "-25.00"). Never a JSON number: binary floating point cannot hold cents exactly.
   */
  balance: string;
  /**
   * Balance right before the crossing transaction (below the threshold). Money as a decimal string with exactly 2 fraction digits (e.g. "1750.00", "-25.00"). Never a JSON number: binary floating point cannot hold cents exactly.
   */
  previousBalance: string;
  /**
   * The threshold that was crossed. Money as a decimal string with exactly 2 fraction digits (e.g. "1750.00", "-25.00"). Never a JSON number: binary floating point cannot hold cents exactly.
   */
  threshold: string;
  /**
   * The transaction that moved the balance across the threshold.
   */
  transaction: {
    /**
     * Transaction id as given in the transactions file; unique per customer.
     */
    transactionId: string;
    /**
     * Money as a decimal string with exactly 2 fraction digits (e.g. "1750.00", "-25.00"). Never a JSON number: binary floating point cannot hold cents exactly.
     */
    amount: string;
    /**
     * Calendar date YYYY-MM-DD, or an ISO 8601 date-time, as given in the file.
     */
    transactionDate: string;
  };
  /**
   * When the ledger detected the crossing.
   */
  detectedAt: string;
}
