import { localTableName, type Page, type PageRequest, pageOf } from '@txnflow/contracts';
import type { Database, Statement } from 'better-sqlite3';
import { type Alert, type AlertQueries, type AlertStore, alertListingKey } from '../../ports.ts';

const ALERTS = localTableName('alerting', 'Alerts');

interface AlertRow {
  alert_id: string;
  customer_id: string;
  balance_cents: number;
  previous_balance_cents: number;
  threshold_cents: number;
  transaction_id: string;
  transaction_date: string;
  detected_at: string;
  correlation_id: string;
  notified: number;
}

const toAlert = (row: AlertRow): Alert => ({
  alertId: row.alert_id,
  customerId: row.customer_id,
  balanceCents: row.balance_cents,
  previousBalanceCents: row.previous_balance_cents,
  thresholdCents: row.threshold_cents,
  transactionId: row.transaction_id,
  transactionDate: row.transaction_date,
  detectedAt: row.detected_at,
  correlationId: row.correlation_id,
  notified: row.notified === 1,
});

/**
 * The Alerts table in the local runtime's SQLite file.
 *
 * @example const store = new SqliteAlertStore(runtime.db);
 */
class SqliteAlertStore implements AlertStore, AlertQueries {
  readonly #insert: Statement;
  readonly #select: Statement<[string], AlertRow>;
  readonly #markNotified: Statement;
  readonly #claimEmail: Statement;
  readonly #list: Statement<[], AlertRow>;
  readonly #listAfter: Statement<[string, number], AlertRow>;

  constructor(db: Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS ${ALERTS} (
        alert_id TEXT PRIMARY KEY,
        customer_id TEXT NOT NULL,
        balance_cents INTEGER NOT NULL,
        previous_balance_cents INTEGER NOT NULL,
        threshold_cents INTEGER NOT NULL,
        transaction_id TEXT NOT NULL,
        transaction_date TEXT NOT NULL,
        detected_at TEXT NOT NULL,
        correlation_id TEXT NOT NULL,
        notified INTEGER NOT NULL,
        email_claimed_at INTEGER
      ) WITHOUT ROWID;`);
    this.#insert = db.prepare(
      `INSERT INTO ${ALERTS} VALUES (@alertId, @customerId, @balanceCents, @previousBalanceCents,
        @thresholdCents, @transactionId, @transactionDate, @detectedAt, @correlationId, @notified, NULL)
       ON CONFLICT DO NOTHING`,
    );
    this.#select = db.prepare(`SELECT * FROM ${ALERTS} WHERE alert_id = ?`);
    this.#markNotified = db.prepare(`UPDATE ${ALERTS} SET notified = 1 WHERE alert_id = ?`);
    this.#claimEmail = db.prepare(
      `UPDATE ${ALERTS} SET email_claimed_at = @now
       WHERE alert_id = @alertId AND notified = 0
         AND (email_claimed_at IS NULL OR email_claimed_at <= @expired)`,
    );
    this.#list = db.prepare(`SELECT * FROM ${ALERTS} ORDER BY detected_at, alert_id`);
    // The listing key of alertListingKey, as SQL.
    this.#listAfter = db.prepare(
      `SELECT * FROM ${ALERTS} WHERE detected_at || ' ' || alert_id > ?
       ORDER BY detected_at || ' ' || alert_id LIMIT ?`,
    );
  }

  async record(alert: Alert): Promise<'recorded' | 'duplicate'> {
    const result = this.#insert.run({ ...alert, notified: alert.notified ? 1 : 0 });
    return result.changes === 1 ? 'recorded' : 'duplicate';
  }

  async find(alertId: string): Promise<Alert | undefined> {
    const row = this.#select.get(alertId);
    return row ? toAlert(row) : undefined;
  }

  async claimEmail(alertId: string, now: Date, leaseSeconds: number): Promise<boolean> {
    const nowMs = now.getTime();
    const claimed = this.#claimEmail.run({
      alertId,
      now: nowMs,
      expired: nowMs - leaseSeconds * 1000,
    });
    return claimed.changes === 1;
  }

  async markNotified(alertId: string): Promise<void> {
    this.#markNotified.run(alertId);
  }

  async listAlerts(): Promise<Alert[]> {
    return this.#list.all().map(toAlert);
  }

  async alertsPage({ after, limit }: PageRequest): Promise<Page<Alert>> {
    // One row past the page tells whether another page follows.
    const rows = this.#listAfter.all(after ?? '', limit + 1);
    return pageOf(rows.map(toAlert), limit, alertListingKey);
  }
}

export { SqliteAlertStore };
