import { localTableName, migrateLocalTables } from '@txnflow/contracts';
import type { Database } from 'better-sqlite3';

const CUSTOMERS = localTableName('ingest', 'Customer');
const TRANSACTIONS = localTableName('ingest', 'Transactions');
const UPLOADS = localTableName('ingest', 'Uploads');
const UPLOAD_TASKS = localTableName('ingest', 'UploadTasks');

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
  // Chunked uploads: the unit (chunk) that recorded a row, whose watermark says whether it was
  // published (none for a whole-file run); the upload and line of a customer's address, so a
  // later line of the same upload wins whatever order its chunks run in; the tasks done.
  `ALTER TABLE ${TRANSACTIONS} ADD COLUMN upload_unit TEXT;
   ALTER TABLE ${CUSTOMERS} ADD COLUMN address_upload TEXT;
   ALTER TABLE ${CUSTOMERS} ADD COLUMN address_line INTEGER;
   CREATE TABLE ${UPLOAD_TASKS} (
     phase_id TEXT NOT NULL,
     task INTEGER NOT NULL,
     PRIMARY KEY (phase_id, task)
   ) WITHOUT ROWID;`,
];

/**
 * Creates or upgrades ingest's tables in the runtime's SQLite file (a read-only connection
 * only checks them).
 *
 * @example migrateIngestTables(runtime.db);
 */
function migrateIngestTables(db: Database): void {
  migrateLocalTables(db, 'ingest', MIGRATIONS);
}

export { CUSTOMERS, migrateIngestTables, TRANSACTIONS, UPLOAD_TASKS, UPLOADS };
