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

/** A customer's address as one upload writes it: from the row on this line of the file. */
interface CustomerWrite extends Customer {
  readonly line: number;
}

/** A byte range of an object, `[start, end)`. */
interface ByteRange {
  readonly start: number;
  readonly end: number;
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
 * Uploads (the outbox watermarks). An upload is recorded by one run of the whole file, or by
 * chunks of it that run in parallel: each chunk is a *unit* of the upload (`unit`, absent for
 * the whole file) whose rows are recorded and published in line order and which keeps its
 * own watermark. Adapters: DynamoDB and SQLite.
 */
interface IngestStore {
  /**
   * Records rows in order (a later row sees an earlier one of the same batch): new
   * transactions are inserted, tagged with the upload, unit and line that recorded them (so a
   * redelivered upload is recognised, row by row, whichever unit recorded a row); a conflict
   * changes nothing. Returns one outcome per row, in order. Customers are not written here:
   * see `putCustomers`.
   */
  recordBatch(
    rows: readonly TransactionRow[],
    uploadId: string,
    unit?: string,
  ): Promise<RecordOutcome[]>;
  /**
   * Writes each customer's address, unless this upload already wrote one from a later line:
   * within an upload the address of the latest line wins, in whatever order its chunks run;
   * another upload's address is always overwritten (the latest write wins).
   */
  putCustomers(customers: readonly CustomerWrite[], uploadId: string): Promise<void>;
  /**
   * Records that every accepted row the unit records up to `line` has had its
   * TransactionRecorded published (the unit's outbox watermark). It never moves back: a lower
   * line than the one recorded changes nothing.
   */
  markPublishedThrough(uploadId: string, line: number, unit?: string): Promise<void>;
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

/**
 * Which tasks of a chunked upload's phases are done (table UploadTasks), so that the last
 * task of a phase to finish, and only then, starts the next phase. Adapters: DynamoDB, SQLite.
 */
interface UploadTasks {
  /**
   * Marks task `task` of the phase done; marking it again changes nothing. Returns how many
   * distinct tasks of the phase are done, this one included.
   */
  markDone(phaseId: string, task: number): Promise<number>;
  /** How many distinct tasks of the phase are done. */
  countDone(phaseId: string): Promise<number>;
}

/** The queue of a chunked upload's tasks (read by the chunk handler). */
interface TaskQueue {
  /** Sends each body as one message. */
  send(bodies: readonly string[]): Promise<void>;
}

/** What the chunk queue's consumer does with a task that failed. */
interface TaskRetries {
  /**
   * Makes a received task visible again `seconds` from now (SQS ChangeMessageVisibility), so
   * that a task that failed is received again after a backoff instead of the queue's
   * visibility timeout (six times the function's 900 s).
   */
  retryIn(receiptHandle: string, seconds: number): Promise<void>;
}

/** The bucket: the uploaded file, and the reports written beside it. */
interface ObjectStore {
  /**
   * The body of one version of the object (S3's GetObject `VersionId`), or of the current one;
   * only the bytes of `range` when given (GetObject `Range`).
   */
  read(
    bucket: string,
    key: string,
    versionId?: string,
    range?: ByteRange,
  ): Promise<AsyncIterable<Uint8Array>>;
  /** The size in bytes of one version of the object (HeadObject). */
  size(bucket: string, key: string, versionId: string): Promise<number>;
  write(bucket: string, key: string, body: string | Uint8Array, contentType: string): Promise<void>;
}

export type {
  ByteRange,
  Customer,
  CustomerWrite,
  IngestQueries,
  IngestStore,
  ObjectStore,
  RecordedTransaction,
  RecordOutcome,
  StoredUpload,
  TaskQueue,
  TaskRetries,
  TransactionRow,
  UploadTarget,
  UploadTasks,
};
