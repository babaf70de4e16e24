import {
  formatMoney,
  localTableName,
  migrateLocalTables,
  type Page,
  type PageRequest,
  pageOf,
} from '@txnflow/contracts';
import type { Database, Statement } from 'better-sqlite3';
import type {
  Balance,
  CommitResult,
  CustomerCommit,
  CustomerRead,
  CustomerSnapshot,
  LedgerEntry,
  LedgerQueries,
  LedgerStore,
} from '../../ports.ts';

const TOTALS = localTableName('ledger', 'TransactionTotal');
const ENTRIES = localTableName('ledger', 'LedgerEntries');

/** Append only: a state folder made by an older build is migrated forward when opened. */
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE IF NOT EXISTS ${TOTALS} (
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
   ) WITHOUT ROWID;`,
  // The chain position of each entry. Entries of older builds have none (NULL) and sort
  // first; those builds could chain a batch wrongly, so rebuild them: reset ledger, replay.
  `ALTER TABLE ${ENTRIES} ADD COLUMN version INTEGER;`,
];

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
  version: number | null;
}

const toEntry = (row: EntryRow): LedgerEntry => ({
  customerId: row.customer_id,
  transactionId: row.transaction_id,
  transactionDate: row.transaction_date,
  amountCents: row.amount_cents,
  balanceBeforeCents: row.balance_before_cents,
  balanceAfterCents: row.balance_after_cents,
  version: row.version ?? 0,
  thresholdCents: row.threshold_cents,
  crossedThreshold: row.crossed_threshold === 1,
  alertPublished: row.alert_published === 1,
});

/**
 * A stored amount as text, exactly, whatever was stored: integers come as bigint, and a
 * REAL (SQLite keeps one where an integer overflowed 64 bits) is whole and shown as is.
 * Nothing here throws, so one bad value never hides every other balance.
 */
function storedCentsText(value: bigint | number): string {
  if (typeof value === 'bigint') return formatMoney(value);
  if (Number.isInteger(value)) return formatMoney(BigInt(value));
  return `${value} cents (not a whole number of cents)`;
}

/** SQLite's answer to an INSERT of a key that exists. */
const PRIMARY_KEY_TAKEN = 'SQLITE_CONSTRAINT_PRIMARYKEY';

/**
 * The ledger's tables in the local runtime's SQLite file. One SQLite transaction per batch.
 *
 * The invariant a commit keeps: a customer's commit is applied whole or not at all. Its
 * entries are inserted (a plain INSERT: one whose key exists fails, and SQLite undoes that
 * statement) and its balance is moved from `expectedVersion` to `expectedVersion + n` with
 * the last entry's balance (guarded: only if the version is still the one read), all in the
 * batch's transaction. If an entry exists already, or the balance is not at the expected
 * version, the entries this commit inserted are deleted again (exactly those rows: they did
 * not exist before it) and nothing else was changed, so the customer is as it was and the
 * commit is a conflict. Nothing else runs between the statements (one connection, one
 * synchronous call), so no other writer sees the undone rows. Commits of different customers
 * are independent: one that conflicts leaves the others be. This is what a savepoint per
 * customer did, without its two statements per customer.
 *
 * @example const store = new SqliteLedgerStore(runtime.db);
 */
class SqliteLedgerStore implements LedgerStore, LedgerQueries {
  readonly #selectBalances: Statement<
    [string],
    { customer_id: string; balance_cents: number; version: number }
  >;
  readonly #selectEntries: Statement<[string], EntryRow>;
  readonly #insertEntry: Statement<
    [string, string, string, number, number, number, number, number, number, number]
  >;
  readonly #insertTotal: Statement<[string, number, number]>;
  readonly #updateTotal: Statement<[number, number, string, number]>;
  readonly #deleteEntry: Statement<[string, string]>;
  readonly #markPublished: Statement<[string, string]>;
  readonly #listTotals: Statement<
    [],
    { customer_id: string; balance_cents: number; version: number }
  >;
  readonly #listEntries: Statement<[string], EntryRow>;
  readonly #listStoredTotals: Statement<
    [],
    { customer_id: string; balance_cents: bigint | number }
  >;
  readonly #totalsAfter: Statement<
    [string, number],
    { customer_id: string; balance_cents: number; version: number }
  >;
  readonly #total: Statement<
    [string],
    { customer_id: string; balance_cents: number; version: number }
  >;
  readonly #entriesAfter: Statement<[string, string, number], EntryRow>;
  readonly #readAll: (customers: readonly CustomerRead[]) => Map<string, CustomerSnapshot>;
  readonly #commitAll: (commits: readonly CustomerCommit[]) => CommitResult[];

  constructor(db: Database) {
    migrateLocalTables(db, 'ledger', MIGRATIONS);
    // A batch is read in two statements, whatever its size: keys passed as one JSON array.
    this.#selectBalances = db.prepare(
      `SELECT customer_id, balance_cents, version FROM ${TOTALS}
       WHERE customer_id IN (SELECT value FROM json_each(?))`,
    );
    this.#selectEntries = db.prepare(
      `SELECT e.* FROM json_each(?) AS k
       JOIN ${ENTRIES} AS e
         ON e.customer_id = json_extract(k.value, '$[0]')
        AND e.transaction_id = json_extract(k.value, '$[1]')`,
    );
    this.#insertEntry = db.prepare(
      `INSERT INTO ${ENTRIES} (customer_id, transaction_id, transaction_date, amount_cents,
         balance_before_cents, balance_after_cents, threshold_cents, crossed_threshold,
         alert_published, version)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.#deleteEntry = db.prepare(
      `DELETE FROM ${ENTRIES} WHERE customer_id = ? AND transaction_id = ?`,
    );
    this.#insertTotal = db.prepare(`INSERT INTO ${TOTALS} VALUES (?, ?, ?) ON CONFLICT DO NOTHING`);
    this.#updateTotal = db.prepare(
      `UPDATE ${TOTALS} SET balance_cents = ?, version = ? WHERE customer_id = ? AND version = ?`,
    );
    this.#markPublished = db.prepare(
      `UPDATE ${ENTRIES} SET alert_published = 1 WHERE customer_id = ? AND transaction_id = ?`,
    );
    this.#listTotals = db.prepare(`SELECT * FROM ${TOTALS} ORDER BY customer_id`);
    this.#listEntries = db.prepare(
      `SELECT * FROM ${ENTRIES} WHERE customer_id = ? ORDER BY version, transaction_id`,
    );
    this.#listStoredTotals = db
      .prepare<[], { customer_id: string; balance_cents: bigint | number }>(
        `SELECT customer_id, balance_cents FROM ${TOTALS} ORDER BY customer_id`,
      )
      .safeIntegers(true);
    this.#totalsAfter = db.prepare(
      `SELECT * FROM ${TOTALS} WHERE customer_id > ? ORDER BY customer_id LIMIT ?`,
    );
    this.#total = db.prepare(`SELECT * FROM ${TOTALS} WHERE customer_id = ?`);
    this.#entriesAfter = db.prepare(
      `SELECT * FROM ${ENTRIES} WHERE customer_id = ? AND transaction_id > ?
       ORDER BY transaction_id LIMIT ?`,
    );
    // One read transaction: every snapshot of a batch comes from the same moment.
    this.#readAll = db.transaction((customers: readonly CustomerRead[]) =>
      this.#readBatch(customers),
    );
    this.#commitAll = db.transaction((commits: readonly CustomerCommit[]) =>
      commits.map((commit) => this.#commitOne(commit)),
    );
  }

  #readBatch(customers: readonly CustomerRead[]): Map<string, CustomerSnapshot> {
    const ids = JSON.stringify(customers.map((c) => c.customerId));
    const keys = JSON.stringify(
      customers.flatMap((c) => c.transactionIds.map((t) => [c.customerId, t])),
    );
    const balances = new Map(this.#selectBalances.all(ids).map((row) => [row.customer_id, row]));
    const applied = new Map<string, Map<string, LedgerEntry>>();
    for (const row of this.#selectEntries.all(keys)) {
      const ofCustomer = applied.get(row.customer_id) ?? new Map<string, LedgerEntry>();
      applied.set(row.customer_id, ofCustomer.set(row.transaction_id, toEntry(row)));
    }
    return new Map(
      customers.map(({ customerId }) => {
        const row = balances.get(customerId);
        const balance = { customerId, cents: row?.balance_cents ?? 0, version: row?.version ?? 0 };
        return [customerId, { balance, applied: applied.get(customerId) ?? new Map() }];
      }),
    );
  }

  /** One customer's commit, whole or not at all (see the class's invariant). */
  #commitOne({ customerId, expectedVersion, entries }: CustomerCommit): CommitResult {
    const last = entries.at(-1);
    if (!last) return { status: 'committed' };
    const conflict = { status: 'conflict', committedEntries: 0 } as const;
    const inserted = this.#insertEntries(entries);
    if (inserted < entries.length) {
      this.#deleteEntries(entries.slice(0, inserted));
      return conflict;
    }
    const nextVersion = expectedVersion + entries.length;
    const guarded =
      expectedVersion === 0
        ? this.#insertTotal.run(customerId, last.balanceAfterCents, nextVersion)
        : this.#updateTotal.run(last.balanceAfterCents, nextVersion, customerId, expectedVersion);
    if (guarded.changes === 0) {
      this.#deleteEntries(entries);
      return conflict;
    }
    return { status: 'committed' };
  }

  /** Inserts the entries in order until one exists already; how many it inserted. */
  #insertEntries(entries: readonly LedgerEntry[]): number {
    for (const [i, entry] of entries.entries()) {
      try {
        this.#insertEntry.run(
          entry.customerId,
          entry.transactionId,
          entry.transactionDate,
          entry.amountCents,
          entry.balanceBeforeCents,
          entry.balanceAfterCents,
          entry.thresholdCents,
          entry.crossedThreshold ? 1 : 0,
          entry.alertPublished ? 1 : 0,
          entry.version,
        );
      } catch (error) {
        if ((error as { code?: unknown }).code !== PRIMARY_KEY_TAKEN) throw error;
        return i;
      }
    }
    return entries.length;
  }

  #deleteEntries(entries: readonly LedgerEntry[]): void {
    for (const e of entries) this.#deleteEntry.run(e.customerId, e.transactionId);
  }

  async read(customers: readonly CustomerRead[]): Promise<Map<string, CustomerSnapshot>> {
    return this.#readAll(customers);
  }

  async commit(commits: readonly CustomerCommit[]): Promise<CommitResult[]> {
    return this.#commitAll(commits);
  }

  async markAlertPublished(customerId: string, transactionId: string): Promise<void> {
    this.#markPublished.run(customerId, transactionId);
  }

  async listBalances(): Promise<Balance[]> {
    return this.#listTotals.all().map(toBalance);
  }

  /**
   * Every balance as stored, as 2-decimal text, read with SQLite's 64-bit integers kept
   * exact, for listings: a balance an older build stored beyond 2^53 cents (before the
   * ledger refused balances past MAX_MONEY_CENTS) is shown as it is instead of failing the
   * whole listing, which `listBalances` (plain numbers) would.
   *
   * @example store.listBalancesAsStored() // [{ customerId: 'C1', balance: '907.55' }]
   */
  listBalancesAsStored(): { customerId: string; balance: string }[] {
    return this.#listStoredTotals.all().map((row) => ({
      customerId: row.customer_id,
      balance: storedCentsText(row.balance_cents),
    }));
  }

  async listEntries(customerId: string): Promise<LedgerEntry[]> {
    return this.#listEntries.all(customerId).map(toEntry);
  }

  async balancesPage({ after, limit }: PageRequest): Promise<Page<Balance>> {
    // One row past the page tells whether another page follows.
    const rows = this.#totalsAfter.all(after ?? '', limit + 1);
    return pageOf(rows.map(toBalance), limit, (b) => b.customerId);
  }

  async findBalance(customerId: string): Promise<Balance | undefined> {
    const row = this.#total.get(customerId);
    return row ? toBalance(row) : undefined;
  }

  async entriesPage(customerId: string, { after, limit }: PageRequest): Promise<Page<LedgerEntry>> {
    const rows = this.#entriesAfter.all(customerId, after ?? '', limit + 1);
    return pageOf(rows.map(toEntry), limit, (e) => e.transactionId);
  }
}

const toBalance = (row: { customer_id: string; balance_cents: number; version: number }) => ({
  customerId: row.customer_id,
  cents: row.balance_cents,
  version: row.version,
});

export { SqliteLedgerStore };
