// The event-log floor of the pipeline benchmark: what the same work costs in one process
// with no bus, no queues and no services, only the event log. The yardstick the pipeline
// is measured against (issue 13), so it is written to be fast, not to be beaten.
import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { buildEvent, formatMoney } from '@txnflow/contracts';
import { readTransactionRows, type TransactionRow } from '@txnflow/ingest';
import BetterSqlite3, { type Database, type Statement } from 'better-sqlite3';

/** What the floor did with the file. */
interface EventLogFloorResult {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: number;
  readonly alerts: number;
}

interface EventLogFloorOptions {
  /** A balance reaching this from below records an alert. @default 150_000 (1500.00) */
  readonly thresholdCents?: number;
  /** Rows per SQLite transaction. @default 10_000 */
  readonly rowsPerCommit?: number;
}

const SCHEMA = `
  CREATE TABLE customers (customer_id TEXT PRIMARY KEY, address TEXT NOT NULL) WITHOUT ROWID;
  CREATE TABLE transactions (
    customer_id TEXT NOT NULL, transaction_id TEXT NOT NULL, transaction_date TEXT NOT NULL,
    amount_cents INTEGER NOT NULL, line INTEGER NOT NULL,
    PRIMARY KEY (customer_id, transaction_id)
  ) WITHOUT ROWID;
  CREATE TABLE balances (customer_id TEXT PRIMARY KEY, balance_cents INTEGER NOT NULL) WITHOUT ROWID;
  CREATE TABLE alerts (
    alert_id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, balance_cents INTEGER NOT NULL,
    previous_balance_cents INTEGER NOT NULL, transaction_id TEXT NOT NULL
  ) WITHOUT ROWID;
  CREATE TABLE events (seq INTEGER PRIMARY KEY, json TEXT NOT NULL);
`;

/** The prepared statements of one run: four per row, a fifth for a crossing. */
interface Statements {
  readonly transaction: Statement<[string, string, string, number, number]>;
  readonly customer: Statement<[string, string]>;
  readonly balance: Statement<[string, number]>;
  readonly event: Statement<[string]>;
  readonly alert: Statement<[string, string, number, number, string]>;
}

function prepare(db: Database): Statements {
  return {
    transaction: db.prepare(
      'INSERT INTO transactions VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING',
    ),
    customer: db.prepare(
      'INSERT INTO customers VALUES (?, ?) ON CONFLICT (customer_id) DO UPDATE ' +
        'SET address = excluded.address WHERE address <> excluded.address',
    ),
    balance: db.prepare(
      'INSERT INTO balances VALUES (?, ?) ON CONFLICT (customer_id) DO UPDATE ' +
        'SET balance_cents = excluded.balance_cents',
    ),
    event: db.prepare('INSERT INTO events (json) VALUES (?)'),
    alert: db.prepare('INSERT INTO alerts VALUES (?, ?, ?, ?, ?) ON CONFLICT DO NOTHING'),
  };
}

/**
 * The runtime's durability and cache (state/database.ts: WAL, synchronous=NORMAL, 64 MiB of
 * cache). Checkpoints as SQLite makes them by default, in the committing thread, every
 * 10,000 pages: the runtime checkpoints in a background thread (state/checkpointer.ts), a
 * design choice the floor, one plain process, does not make.
 */
function openFloorDatabase(dir: string): Database {
  const db = new BetterSqlite3(join(dir, 'event-log.sqlite'));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('temp_store = MEMORY');
  db.pragma('cache_size = -65536');
  db.pragma('wal_autocheckpoint = 10000');
  db.exec(SCHEMA);
  return db;
}

/**
 * The TransactionRecorded of a row in its EventBridge envelope, as the bus stores it: the
 * detail built and validated by the contracts' `buildEvent`, as ingest builds it.
 */
function envelopeJson(row: TransactionRow, file: string, now: Date): string {
  const event = buildEvent(
    'TransactionRecorded',
    {
      customerId: row.customerId,
      customerAddress: row.customerAddress,
      transactionId: row.transactionId,
      transactionDate: row.transactionDate,
      amount: formatMoney(row.amountCents),
      source: { bucket: 'event-log-floor', key: file, line: row.line },
    },
    { correlationId: 'event-log-floor', causationId: file },
    now,
  );
  return JSON.stringify({
    version: '0',
    id: randomUUID(),
    'detail-type': event.detailType,
    source: event.source,
    account: '000000000000',
    time: `${now.toISOString().slice(0, 19)}Z`,
    region: 'local-1',
    resources: [],
    detail: event.detail,
  });
}

/**
 * Runs the floor over a transactions file in a fresh SQLite file under `dir`: parse and
 * validate each line (ingest's own parser and row validation), record each customer and each
 * transaction exactly once (a transaction id seen before is a duplicate and changes nothing),
 * keep each customer's balance, record an alert when a balance crosses the threshold upward,
 * and store every accepted row's TransactionRecorded in its EventBridge envelope; one SQLite
 * transaction (WAL, synchronous=NORMAL) per `rowsPerCommit` rows, the last one at the end.
 *
 * @example const result = await runEventLogFloor('/tmp/t.txt', '/tmp/floor-state');
 */
async function runEventLogFloor(
  file: string,
  dir: string,
  options: EventLogFloorOptions = {},
): Promise<EventLogFloorResult> {
  const threshold = options.thresholdCents ?? 150_000;
  const rowsPerCommit = options.rowsPerCommit ?? 10_000;
  const db = openFloorDatabase(dir);
  const sql = prepare(db);
  const balances = new Map<string, number>();
  const counts = { accepted: 0, duplicates: 0, rejected: 0, alerts: 0 };
  let inTransaction = 0;
  try {
    db.exec('BEGIN');
    for await (const parsed of readTransactionRows(createReadStream(file), file)) {
      if (parsed.kind === 'rejected') {
        counts.rejected += 1;
        continue;
      }
      const row = parsed.row;
      const { customerId, transactionId, amountCents } = row;
      const inserted = sql.transaction.run(
        customerId,
        transactionId,
        row.transactionDate,
        amountCents,
        row.line,
      );
      if (inserted.changes === 0) {
        counts.duplicates += 1;
        continue;
      }
      counts.accepted += 1;
      sql.customer.run(customerId, row.customerAddress);
      const before = balances.get(customerId) ?? 0;
      const after = before + amountCents;
      balances.set(customerId, after);
      sql.balance.run(customerId, after);
      if (before < threshold && after >= threshold) {
        sql.alert.run(`${customerId}:${transactionId}`, customerId, after, before, transactionId);
        counts.alerts += 1;
      }
      sql.event.run(envelopeJson(row, file, new Date()));
      inTransaction += 1;
      if (inTransaction >= rowsPerCommit) {
        db.exec('COMMIT; BEGIN');
        inTransaction = 0;
      }
    }
    db.exec('COMMIT');
  } finally {
    if (db.inTransaction) db.exec('ROLLBACK');
    db.close();
  }
  return counts;
}

export type { EventLogFloorOptions, EventLogFloorResult };
export { runEventLogFloor };
