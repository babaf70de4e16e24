import type { Cents, Page, PageRequest } from '@txnflow/contracts';

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
 * the same). `duplicate`: recorded by another upload (or another line of this one) with
 * identical data. `published` says whether its TransactionRecorded went out: whether the
 * upload that recorded it has published every accepted row up to that line (its watermark,
 * see {@link IngestStore.markPublishedThrough}); false after a crash, so it is published now.
 * A conflict carries what was recorded before, for the report.
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
 * Ingest's tables: Customer (latest address wins), Transactions (one row per customer and
 * transaction id, never overwritten, tagged with the upload and line that recorded it) and
 * Uploads (per upload, how far its events have been published: the outbox watermark).
 * Adapters: DynamoDB and SQLite.
 */
interface IngestStore {
  /**
   * Records rows in order (a later row sees an earlier one of the same batch): new
   * transactions are inserted, tagged with the upload and line that recorded them (so a
   * redelivered upload is recognised, row by row); a conflict changes nothing. Returns one
   * outcome per row, in order. Customers are not written here: see `putCustomers`.
   */
  recordBatch(rows: readonly TransactionRow[], uploadId: string): Promise<RecordOutcome[]>;
  /** Writes each customer's address (an upsert: the latest write wins). */
  putCustomers(customers: readonly Customer[]): Promise<void>;
  /**
   * Records that every accepted row of the upload up to `line` has had its
   * TransactionRecorded published (the outbox watermark). It never moves back: a lower line
   * than the one recorded changes nothing.
   */
  markPublishedThrough(uploadId: string, line: number): Promise<void>;
  listCustomers(): Promise<Customer[]>;
  listTransactions(customerId?: string): Promise<RecordedTransaction[]>;
}

/**
 * What ingest's query API reads of its tables, a page at a time in key order. On DynamoDB
 * every read is a GetItem or a Query (customers through the table's `Listing` index), never
 * a Scan. Adapters: DynamoDB and SQLite.
 */
interface IngestQueries {
  /** Customers in id order. */
  customersPage(page: PageRequest): Promise<Page<Customer>>;
  findCustomer(customerId: string): Promise<Customer | undefined>;
  /** A customer's transactions in transaction id order. */
  transactionsPage(customerId: string, page: PageRequest): Promise<Page<RecordedTransaction>>;
}

/** One version of an object in the uploads bucket. */
interface StoredUpload {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  readonly bytes: number;
}

/**
 * The uploads bucket as the API writes to it: a put there is an upload (S3, and the local
 * bucket alike, then send "Object Created", which starts ingest). Adapters: S3 and the
 * local runtime's bucket.
 */
interface UploadTarget {
  /** Streams the body to the key, as a new version of it. */
  put(key: string, body: AsyncIterable<Uint8Array>): Promise<StoredUpload>;
}

/** The bucket: the uploaded file, and the reports written beside it. */
interface ObjectStore {
  /** The body of one version of the object (S3's GetObject `VersionId`), or of the current one. */
  read(bucket: string, key: string, versionId?: string): Promise<AsyncIterable<Uint8Array>>;
  write(bucket: string, key: string, body: string, contentType: string): Promise<void>;
}

export type {
  Customer,
  IngestQueries,
  IngestStore,
  ObjectStore,
  RecordedTransaction,
  RecordOutcome,
  StoredUpload,
  TransactionRow,
  UploadTarget,
};
