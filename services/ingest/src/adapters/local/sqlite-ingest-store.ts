import { type Page, type PageRequest, pageOf } from '@txnflow/contracts';
import type { Database, Statement } from 'better-sqlite3';
import type {
  Customer,
  CustomerWrite,
  IngestQueries,
  IngestStore,
  RecordedTransaction,
  RecordOutcome,
  TransactionRow,
} from '../../ports.ts';
import { watermarkKeyOf } from '../watermark-key.ts';
import { CUSTOMERS, migrateIngestTables, TRANSACTIONS, UPLOADS } from './ingest-tables.ts';

interface TransactionRowRecord {
  customer_id: string;
  transaction_id: string;
  transaction_date: string;
  amount_cents: number;
  upload_id: string;
  upload_line: number;
  upload_unit: string | null;
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
  readonly #upsertCustomer: Statement<[string, string, string, number]>;
  readonly #advanceWatermark: Statement<[string, number]>;
  readonly #listCustomers: Statement<[], { customer_id: string; address: string }>;
  readonly #listTransactions: Statement<[], TransactionRowRecord>;
  readonly #listTransactionsOf: Statement<[string], TransactionRowRecord>;
  readonly #customersAfter: Statement<[string, number], { customer_id: string; address: string }>;
  readonly #customer: Statement<[string], { customer_id: string; address: string }>;
  readonly #transactionsAfter: Statement<[string, string, number], TransactionRowRecord>;
  readonly #recordBatch: (
    rows: readonly TransactionRow[],
    uploadId: string,
    unit: string | null,
  ) => RecordOutcome[];
  readonly #putCustomers: (customers: readonly CustomerWrite[], uploadId: string) => void;

  constructor(db: Database) {
    migrateIngestTables(db);
    this.#insertTransaction = db.prepare(
      `INSERT INTO ${TRANSACTIONS} (customer_id, transaction_id, transaction_date, amount_cents,
         upload_id, upload_line, upload_unit)
       VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.#selectTransaction = db.prepare(
      `SELECT t.*, u.published_through_line FROM ${TRANSACTIONS} AS t
       LEFT JOIN ${UPLOADS} AS u ON u.upload_id = iif(t.upload_unit IS NULL, t.upload_id,
         t.upload_id || '/' || t.upload_unit)
       WHERE t.customer_id = ? AND t.transaction_id = ?`,
    );
    // Within one upload a later line's address wins; another upload's is overwritten.
    this.#upsertCustomer = db.prepare(
      `INSERT INTO ${CUSTOMERS} (customer_id, address, address_upload, address_line)
       VALUES (?, ?, ?, ?)
       ON CONFLICT (customer_id) DO UPDATE SET address = excluded.address,
         address_upload = excluded.address_upload, address_line = excluded.address_line
       WHERE address_upload IS NULL OR address_upload <> excluded.address_upload
         OR address_line <= excluded.address_line`,
    );
    this.#advanceWatermark = db.prepare(
      `INSERT INTO ${UPLOADS} VALUES (?, ?) ON CONFLICT (upload_id) DO UPDATE
       SET published_through_line = max(published_through_line, excluded.published_through_line)`,
    );
    this.#listCustomers = db.prepare(
      `SELECT customer_id, address FROM ${CUSTOMERS} ORDER BY customer_id`,
    );
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
    this.#recordBatch = db.transaction(
      (rows: readonly TransactionRow[], uploadId: string, unit: string | null) =>
        rows.map((row) => this.#recordRow(row, uploadId, unit)),
    );
    this.#putCustomers = db.transaction((customers: readonly CustomerWrite[], uploadId: string) => {
      for (const { customerId, address, line } of customers) {
        this.#upsertCustomer.run(customerId, address, uploadId, line);
      }
    });
  }

  #recordRow(row: TransactionRow, uploadId: string, unit: string | null): RecordOutcome {
    const { customerId, transactionId, transactionDate, amountCents } = row;
    const inserted = this.#insertTransaction.run(
      customerId,
      transactionId,
      transactionDate,
      amountCents,
      uploadId,
      row.line,
      unit,
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

  async recordBatch(
    rows: readonly TransactionRow[],
    uploadId: string,
    unit?: string,
  ): Promise<RecordOutcome[]> {
    return this.#recordBatch(rows, uploadId, unit ?? null);
  }

  async putCustomers(customers: readonly CustomerWrite[], uploadId: string): Promise<void> {
    this.#putCustomers(customers, uploadId);
  }

  async markPublishedThrough(uploadId: string, line: number, unit?: string): Promise<void> {
    this.#advanceWatermark.run(watermarkKeyOf(uploadId, unit), line);
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
