import type { Cents } from '@txnflow/contracts';

/** One accepted row of a transactions file. */
interface TransactionRow {
  /** 1-based line number in the file; the header is line 1. */
  readonly line: number;
  readonly customerId: string;
  readonly customerAddress: string;
  readonly transactionId: string;
  readonly transactionDate: string;
  readonly amountCents: Cents;
}

/**
 * What recording a row did. `accepted`: recorded by this upload, now or by an earlier
 * delivery of the same upload (S3 notifications are at-least-once, and a re-run must report
 * the same). `duplicate`: recorded by another upload with identical data. `published` says
 * whether its TransactionRecorded went out; false after a crash, so it is published now. A
 * conflict carries what was recorded before, for the report.
 */
type RecordOutcome =
  | { readonly kind: 'accepted'; readonly published: boolean }
  | { readonly kind: 'duplicate'; readonly published: boolean }
  | {
      readonly kind: 'conflict';
      readonly existing: { readonly transactionDate: string; readonly amountCents: Cents };
    };

interface Customer {
  readonly customerId: string;
  readonly address: string;
}

interface RecordedTransaction {
  readonly customerId: string;
  readonly transactionId: string;
  readonly transactionDate: string;
  readonly amountCents: Cents;
}

/**
 * Ingest's tables: Customer (latest address wins) and Transactions (one row per customer
 * and transaction id, never overwritten). Adapters: DynamoDB and SQLite.
 */
interface IngestStore {
  /**
   * Records rows in order (a later row sees an earlier one of the same batch): new
   * transactions are inserted unpublished, tagged with the upload and line that recorded
   * them (so a redelivered upload is recognised, row by row), and
   * their customer's address upserted; a conflict changes nothing. Returns one outcome per
   * row, in order.
   */
  recordBatch(rows: readonly TransactionRow[], uploadId: string): Promise<RecordOutcome[]>;
  /** Marks transactions whose TransactionRecorded was published (the outbox flag). */
  markPublished(keys: readonly { customerId: string; transactionId: string }[]): Promise<void>;
  listCustomers(): Promise<Customer[]>;
  listTransactions(customerId?: string): Promise<RecordedTransaction[]>;
}

/** The bucket: the uploaded file, and the reports written beside it. */
interface ObjectStore {
  /** The body of one version of the object (S3's GetObject `VersionId`), or of the current one. */
  read(bucket: string, key: string, versionId?: string): Promise<AsyncIterable<Uint8Array>>;
  write(bucket: string, key: string, body: string, contentType: string): Promise<void>;
}

export type {
  Customer,
  IngestStore,
  ObjectStore,
  RecordedTransaction,
  RecordOutcome,
  TransactionRow,
};
