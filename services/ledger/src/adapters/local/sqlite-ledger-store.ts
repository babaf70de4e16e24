import { localTableName } from '@txnflow/contracts';
import type { Database, Statement } from 'better-sqlite3';
import type { ApplyResult, Balance, LedgerEntry, LedgerStore } from '../../ports.ts';

const TOTALS = localTableName('ledger', 'TransactionTotal');
const ENTRIES = localTableName('ledger', 'LedgerEntries');

interface EntryRow {
  customer_id: string;
  transaction_id: string;
  transaction_date: string;
  amount_cents: number;
  balance_before_cents: number;
  balance_after_cents: number;
  threshold_cents: number;
  crossed_threshold: number;
  alert_published: number;
}

const toEntry = (row: EntryRow): LedgerEntry => ({
  customerId: row.customer_id,
  transactionId: row.transaction_id,
  transactionDate: row.transaction_date,
  amountCents: row.amount_cents,
  balanceBeforeCents: row.balance_before_cents,
  balanceAfterCents: row.balance_after_cents,
  thresholdCents: row.threshold_cents,
  crossedThreshold: row.crossed_threshold === 1,
  alertPublished: row.alert_published === 1,
});

/** Rolls a SQLite transaction back when the balance moved since it was read. */
class StaleBalance extends Error {}

/**
 * The ledger's tables in the local runtime's SQLite file. An entry and its balance update
 * are one SQLite transaction, the local equivalent of DynamoDB's TransactWriteItems.
 *
 * @example const store = new SqliteLedgerStore(runtime.db);
 */
class SqliteLedgerStore implements LedgerStore {
  readonly #selectBalance: Statement<[string], { balance_cents: number; version: number }>;
  readonly #selectEntry: Statement<[string, string], EntryRow>;
  readonly #insertEntry: Statement;
  readonly #insertTotal: Statement;
  readonly #updateTotal: Statement;
  readonly #markPublished: Statement;
  readonly #listTotals: Statement<
    [],
    { customer_id: string; balance_cents: number; version: number }
  >;
  readonly #applyAtomically: (entry: LedgerEntry, expectedVersion: number) => ApplyResult;
  readonly #applyAllAtomically: (
    items: readonly { entry: LedgerEntry; expectedVersion: number }[],
  ) => ApplyResult[];

  constructor(db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${TOTALS} (
        customer_id TEXT PRIMARY KEY,
        balance_cents INTEGER NOT NULL,
        version INTEGER NOT NULL
      ) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS ${ENTRIES} (
        customer_id TEXT NOT NULL,
        transaction_id TEXT NOT NULL,
        transaction_date TEXT NOT NULL,
        amount_cents INTEGER NOT NULL,
        balance_before_cents INTEGER NOT NULL,
        balance_after_cents INTEGER NOT NULL,
        threshold_cents INTEGER NOT NULL,
        crossed_threshold INTEGER NOT NULL,
        alert_published INTEGER NOT NULL,
        PRIMARY KEY (customer_id, transaction_id)
      ) WITHOUT ROWID;`);
    this.#selectBalance = db.prepare(
      `SELECT balance_cents, version FROM ${TOTALS} WHERE customer_id = ?`,
    );
    this.#selectEntry = db.prepare(
      `SELECT * FROM ${ENTRIES} WHERE customer_id = ? AND transaction_id = ?`,
    );
    this.#insertEntry = db.prepare(
      `INSERT INTO ${ENTRIES} VALUES (@customerId, @transactionId, @transactionDate, @amountCents,
        @balanceBeforeCents, @balanceAfterCents, @thresholdCents, @crossed, @published)
       ON CONFLICT DO NOTHING`,
    );
    this.#insertTotal = db.prepare(`INSERT INTO ${TOTALS} VALUES (?, ?, 1) ON CONFLICT DO NOTHING`);
    this.#updateTotal = db.prepare(
      `UPDATE ${TOTALS} SET balance_cents = ?, version = version + 1
       WHERE customer_id = ? AND version = ?`,
    );
    this.#markPublished = db.prepare(
      `UPDATE ${ENTRIES} SET alert_published = 1 WHERE customer_id = ? AND transaction_id = ?`,
    );
    this.#listTotals = db.prepare(`SELECT * FROM ${TOTALS} ORDER BY customer_id`);
    this.#applyAtomically = db.transaction((entry: LedgerEntry, expectedVersion: number) => {
      const inserted = this.#insertEntry.run({
        ...entry,
        crossed: entry.crossedThreshold ? 1 : 0,
        published: entry.alertPublished ? 1 : 0,
      });
      if (inserted.changes === 0) return 'duplicate';
      const written =
        expectedVersion === 0
          ? this.#insertTotal.run(entry.customerId, entry.balanceAfterCents)
          : this.#updateTotal.run(entry.balanceAfterCents, entry.customerId, expectedVersion);
      if (written.changes === 0) throw new StaleBalance();
      return 'applied';
    });
    // One commit for the whole batch; each entry still is all-or-nothing (a savepoint).
    this.#applyAllAtomically = db.transaction(
      (items: readonly { entry: LedgerEntry; expectedVersion: number }[]) =>
        items.map(({ entry, expectedVersion }) => this.#applyOne(entry, expectedVersion)),
    );
  }

  #applyOne(entry: LedgerEntry, expectedVersion: number): ApplyResult {
    try {
      return this.#applyAtomically(entry, expectedVersion);
    } catch (error) {
      if (error instanceof StaleBalance) return 'stale-balance';
      throw error;
    }
  }

  async load(customerId: string, transactionId: string) {
    const row = this.#selectBalance.get(customerId);
    const balance: Balance = {
      customerId,
      cents: row?.balance_cents ?? 0,
      version: row?.version ?? 0,
    };
    const entryRow = this.#selectEntry.get(customerId, transactionId);
    return { balance, entry: entryRow ? toEntry(entryRow) : undefined };
  }

  async apply(entry: LedgerEntry, expectedVersion: number): Promise<ApplyResult> {
    return this.#applyOne(entry, expectedVersion);
  }

  async applyInOrder(
    items: readonly { entry: LedgerEntry; expectedVersion: number }[],
  ): Promise<ApplyResult[]> {
    return this.#applyAllAtomically(items);
  }

  async markAlertPublished(customerId: string, transactionId: string): Promise<void> {
    this.#markPublished.run(customerId, transactionId);
  }

  async listBalances(): Promise<Balance[]> {
    return this.#listTotals.all().map((row) => ({
      customerId: row.customer_id,
      cents: row.balance_cents,
      version: row.version,
    }));
  }
}

export { SqliteLedgerStore };
