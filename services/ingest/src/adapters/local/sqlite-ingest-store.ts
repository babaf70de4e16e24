import { localTableName } from '@txnflow/contracts';
import type { Database, Statement } from 'better-sqlite3';
import type {
  Customer,
  IngestStore,
  RecordedTransaction,
  RecordOutcome,
  TransactionRow,
} from '../../ports.ts';

const CUSTOMERS = localTableName('ingest', 'Customer');
const TRANSACTIONS = localTableName('ingest', 'Transactions');

interface TransactionRowRecord {
  customer_id: string;
  transaction_id: string;
  transaction_date: string;
  amount_cents: number;
  published: number;
  upload_id: string;
  upload_line: number;
}

/**
 * Ingest's tables in the local runtime's SQLite file. A batch is one SQLite transaction.
 *
 * @example const store = new SqliteIngestStore(runtime.db);
 */
class SqliteIngestStore implements IngestStore {
  readonly #insertTransaction: Statement;
  readonly #selectTransaction: Statement<[string, string], TransactionRowRecord>;
  readonly #upsertCustomer: Statement;
  readonly #markPublished: Statement;
  readonly #listCustomers: Statement<[], { customer_id: string; address: string }>;
  readonly #listTransactions: Statement<[], TransactionRowRecord>;
  readonly #listTransactionsOf: Statement<[string], TransactionRowRecord>;
  readonly #recordBatch: (rows: readonly TransactionRow[], uploadId: string) => RecordOutcome[];
  readonly #markBatch: (keys: readonly { customerId: string; transactionId: string }[]) => void;

  constructor(db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${CUSTOMERS} (
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
      ) WITHOUT ROWID;`);
    this.#insertTransaction = db.prepare(
      `INSERT INTO ${TRANSACTIONS} VALUES (?, ?, ?, ?, 0, ?, ?) ON CONFLICT DO NOTHING`,
    );
    this.#selectTransaction = db.prepare(
      `SELECT * FROM ${TRANSACTIONS} WHERE customer_id = ? AND transaction_id = ?`,
    );
    this.#upsertCustomer = db.prepare(
      `INSERT INTO ${CUSTOMERS} VALUES (?, ?)
       ON CONFLICT (customer_id) DO UPDATE SET address = excluded.address`,
    );
    this.#markPublished = db.prepare(
      `UPDATE ${TRANSACTIONS} SET published = 1 WHERE customer_id = ? AND transaction_id = ?`,
    );
    this.#listCustomers = db.prepare(`SELECT * FROM ${CUSTOMERS} ORDER BY customer_id`);
    this.#listTransactions = db.prepare(
      `SELECT * FROM ${TRANSACTIONS} ORDER BY customer_id, transaction_id`,
    );
    this.#listTransactionsOf = db.prepare(
      `SELECT * FROM ${TRANSACTIONS} WHERE customer_id = ? ORDER BY transaction_id`,
    );
    this.#recordBatch = db.transaction((rows: readonly TransactionRow[], uploadId: string) =>
      rows.map((row) => this.#recordRow(row, uploadId)),
    );
    this.#markBatch = db.transaction(
      (keys: readonly { customerId: string; transactionId: string }[]) => {
        for (const key of keys) this.#markPublished.run(key.customerId, key.transactionId);
      },
    );
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
    if (inserted.changes === 1) {
      this.#upsertCustomer.run(customerId, row.customerAddress);
      return { kind: 'accepted', published: false };
    }
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
    const published = existing.published === 1;
    // The same line of the same upload: a redelivery of that upload, not a duplicate row.
    return existing.upload_id === uploadId && existing.upload_line === row.line
      ? { kind: 'accepted', published }
      : { kind: 'duplicate', published };
  }

  async recordBatch(rows: readonly TransactionRow[], uploadId: string): Promise<RecordOutcome[]> {
    return this.#recordBatch(rows, uploadId);
  }

  async markPublished(keys: readonly { customerId: string; transactionId: string }[]) {
    this.#markBatch(keys);
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
    return rows.map((r) => ({
      customerId: r.customer_id,
      transactionId: r.transaction_id,
      transactionDate: r.transaction_date,
      amountCents: r.amount_cents,
    }));
  }
}

export { SqliteIngestStore };
