import {
  localTableName,
  migrateLocalTables,
  type Page,
  type PageRequest,
  pageOf,
} from '@txnflow/contracts';
import type { Database, Statement } from 'better-sqlite3';
import type {
  Customer,
  IngestQueries,
  IngestStore,
  RecordedTransaction,
  RecordOutcome,
  TransactionRow,
} from '../../ports.ts';

const CUSTOMERS = localTableName('ingest', 'Customer');
const TRANSACTIONS = localTableName('ingest', 'Transactions');
const UPLOADS = localTableName('ingest', 'Uploads');

/** Append only: a state folder made by an older build is migrated forward when opened. */
const MIGRATIONS: readonly string[] = [
  // The tables as builds before migrations created them: adopted as they are.
  `CREATE TABLE IF NOT EXISTS ${CUSTOMERS} (
     customer_id TEXT PRIMARY KEY,
     address TEXT NOT NULL
   ) WITHOUT ROWID;
   CREATE TABLE IF NOT EXISTS ${TRANSACTIONS} (
     customer_id TEXT NOT NULL,
     transaction_id TEXT NOT NULL,
     transaction_date TEXT NOT NULL,
     amount_cents INTEGER NOT NULL,
     published INTEGER NOT NULL,
     upload_id TEXT NOT NULL,
     upload_line INTEGER NOT NULL,
     PRIMARY KEY (customer_id, transaction_id)
   ) WITHOUT ROWID;`,
  // The outbox becomes a watermark per upload instead of a flag per row: an upload has
  // published through the line before its first unpublished row (all of them if none is).
  `CREATE TABLE ${UPLOADS} (
     upload_id TEXT PRIMARY KEY,
     published_through_line INTEGER NOT NULL
   ) WITHOUT ROWID;
   INSERT INTO ${UPLOADS} (upload_id, published_through_line)
     SELECT upload_id, COALESCE(MIN(CASE WHEN published = 0 THEN upload_line END) - 1, MAX(upload_line))
     FROM ${TRANSACTIONS} GROUP BY upload_id;
   ALTER TABLE ${TRANSACTIONS} DROP COLUMN published;`,
];

interface TransactionRowRecord {
  customer_id: string;
  transaction_id: string;
  transaction_date: string;
  amount_cents: number;
  upload_id: string;
  upload_line: number;
}

/**
 * Ingest's tables in the local runtime's SQLite file. A batch is one SQLite transaction.
 *
 * @example const store = new SqliteIngestStore(runtime.db);
 */
class SqliteIngestStore implements IngestStore, IngestQueries {
  readonly #insertTransaction: Statement;
  readonly #selectTransaction: Statement<
    [string, string],
    TransactionRowRecord & { published_through_line: number | null }
  >;
  readonly #upsertCustomer: Statement<[string, string]>;
  readonly #advanceWatermark: Statement<[string, number]>;
  readonly #listCustomers: Statement<[], { customer_id: string; address: string }>;
  readonly #listTransactions: Statement<[], TransactionRowRecord>;
  readonly #listTransactionsOf: Statement<[string], TransactionRowRecord>;
  readonly #customersAfter: Statement<[string, number], { customer_id: string; address: string }>;
  readonly #customer: Statement<[string], { customer_id: string; address: string }>;
  readonly #transactionsAfter: Statement<[string, string, number], TransactionRowRecord>;
  readonly #recordBatch: (rows: readonly TransactionRow[], uploadId: string) => RecordOutcome[];
  readonly #putCustomers: (customers: readonly Customer[]) => void;

  constructor(db: Database) {
    migrateLocalTables(db, 'ingest', MIGRATIONS);
    this.#insertTransaction = db.prepare(
      `INSERT INTO ${TRANSACTIONS} (customer_id, transaction_id, transaction_date, amount_cents,
         upload_id, upload_line)
       VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.#selectTransaction = db.prepare(
      `SELECT t.*, u.published_through_line FROM ${TRANSACTIONS} AS t
       LEFT JOIN ${UPLOADS} AS u ON u.upload_id = t.upload_id
       WHERE t.customer_id = ? AND t.transaction_id = ?`,
    );
    this.#upsertCustomer = db.prepare(
      `INSERT INTO ${CUSTOMERS} VALUES (?, ?)
       ON CONFLICT (customer_id) DO UPDATE SET address = excluded.address`,
    );
    this.#advanceWatermark = db.prepare(
      `INSERT INTO ${UPLOADS} VALUES (?, ?) ON CONFLICT (upload_id) DO UPDATE
       SET published_through_line = max(published_through_line, excluded.published_through_line)`,
    );
    this.#listCustomers = db.prepare(`SELECT * FROM ${CUSTOMERS} ORDER BY customer_id`);
    this.#listTransactions = db.prepare(
      `SELECT * FROM ${TRANSACTIONS} ORDER BY customer_id, transaction_id`,
    );
    this.#listTransactionsOf = db.prepare(
      `SELECT * FROM ${TRANSACTIONS} WHERE customer_id = ? ORDER BY transaction_id`,
    );
    this.#customersAfter = db.prepare(
      `SELECT * FROM ${CUSTOMERS} WHERE customer_id > ? ORDER BY customer_id LIMIT ?`,
    );
    this.#customer = db.prepare(`SELECT * FROM ${CUSTOMERS} WHERE customer_id = ?`);
    this.#transactionsAfter = db.prepare(
      `SELECT * FROM ${TRANSACTIONS} WHERE customer_id = ? AND transaction_id > ?
       ORDER BY transaction_id LIMIT ?`,
    );
    this.#recordBatch = db.transaction((rows: readonly TransactionRow[], uploadId: string) =>
      rows.map((row) => this.#recordRow(row, uploadId)),
    );
    this.#putCustomers = db.transaction((customers: readonly Customer[]) => {
      for (const { customerId, address } of customers) {
        this.#upsertCustomer.run(customerId, address);
      }
    });
  }

  #recordRow(row: TransactionRow, uploadId: string): RecordOutcome {
    const { customerId, transactionId, transactionDate, amountCents } = row;
    const inserted = this.#insertTransaction.run(
      customerId,
      transactionId,
      transactionDate,
      amountCents,
      uploadId,
      row.line,
    );
    if (inserted.changes === 1) return { kind: 'accepted', published: false };
    const existing = this.#selectTransaction.get(customerId, transactionId);
    if (!existing) throw new Error(`transaction ${customerId}/${transactionId} vanished mid-batch`);
    if (existing.transaction_date !== transactionDate || existing.amount_cents !== amountCents) {
      return {
        kind: 'conflict',
        existing: {
          transactionDate: existing.transaction_date,
          amountCents: existing.amount_cents,
        },
      };
    }
    const published = existing.upload_line <= (existing.published_through_line ?? 0);
    // The same line of the same upload: a redelivery of that upload, not a duplicate row.
    return existing.upload_id === uploadId && existing.upload_line === row.line
      ? { kind: 'accepted', published }
      : { kind: 'duplicate', published };
  }

  async recordBatch(rows: readonly TransactionRow[], uploadId: string): Promise<RecordOutcome[]> {
    return this.#recordBatch(rows, uploadId);
  }

  async putCustomers(customers: readonly Customer[]): Promise<void> {
    this.#putCustomers(customers);
  }

  async markPublishedThrough(uploadId: string, line: number): Promise<void> {
    this.#advanceWatermark.run(uploadId, line);
  }

  async listCustomers(): Promise<Customer[]> {
    return this.#listCustomers
      .all()
      .map((r) => ({ customerId: r.customer_id, address: r.address }));
  }

  async listTransactions(customerId?: string): Promise<RecordedTransaction[]> {
    const rows = customerId
      ? this.#listTransactionsOf.all(customerId)
      : this.#listTransactions.all();
    return rows.map(toRecordedTransaction);
  }

  async customersPage({ after, limit }: PageRequest): Promise<Page<Customer>> {
    // One row past the page tells whether another page follows.
    const rows = this.#customersAfter.all(after ?? '', limit + 1);
    return pageOf(
      rows.map((r) => ({ customerId: r.customer_id, address: r.address })),
      limit,
      (c) => c.customerId,
    );
  }

  async findCustomer(customerId: string): Promise<Customer | undefined> {
    const row = this.#customer.get(customerId);
    return row ? { customerId: row.customer_id, address: row.address } : undefined;
  }

  async transactionsPage(
    customerId: string,
    { after, limit }: PageRequest,
  ): Promise<Page<RecordedTransaction>> {
    const rows = this.#transactionsAfter.all(customerId, after ?? '', limit + 1);
    return pageOf(rows.map(toRecordedTransaction), limit, (t) => t.transactionId);
  }
}

const toRecordedTransaction = (r: TransactionRowRecord): RecordedTransaction => ({
  customerId: r.customer_id,
  transactionId: r.transaction_id,
  transactionDate: r.transaction_date,
  amountCents: r.amount_cents,
});

export { SqliteIngestStore };
