/* Generated from contracts/schemas/TransactionRecorded.v1.schema.json by `npm run contracts:types`. Do not edit by hand. */

/**
 * Detail of the TransactionRecorded event (source txnflow.ingest), published once for every row of a transactions file that ingest accepted.
 */
export interface TransactionRecordedV1 {
  metadata: TransactionRecordedV1Metadata;
  data: TransactionRecordedV1Data;
}
export interface TransactionRecordedV1Metadata {
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
export interface TransactionRecordedV1Data {
  /**
   * Customer id as given in the transactions file.
   */
  customerId: string;
  /**
   * Customer's address on this row; the latest row wins in the Customer table.
   */
  customerAddress: string;
  /**
   * Transaction id as given in the transactions file; unique per customer.
   */
  transactionId: string;
  /**
   * Calendar date YYYY-MM-DD, or an ISO 8601 date-time, as given in the file.
   */
  transactionDate: string;
  /**
   * Money as a decimal string with exactly 2 fraction digits (e.g. "1750.00", "-25.00"). Never a JSON number: binary floating point cannot hold cents exactly. Negative for refunds.
   */
  amount: string;
  /**
   * Where the row came from.
   */
  source: {
    bucket: string;
    key: string;
    /**
     * 1-based line number in the file; the header is line 1.
     */
    line: number;
  };
}
