import { ContractError } from './errors.ts';

/** The part of a better-sqlite3 Database a migration needs (contracts does not depend on it). */
interface MigratableDatabase {
  /** True for a connection opened read-only (a listing beside the process driving the folder). */
  readonly readonly: boolean;
  exec(sql: string): unknown;
  prepare(sql: string): {
    get(...params: unknown[]): unknown;
    run(...params: unknown[]): unknown;
  };
  transaction(fn: () => void): { immediate(): unknown };
}

/** A service's local tables were written by a newer build than this one. */
class LocalTablesTooNewError extends ContractError {
  readonly service: string;
  readonly foundVersion: number;
  readonly knownVersion: number;

  constructor(service: string, foundVersion: number, knownVersion: number) {
    super(
      `the ${service} tables of this state folder are at schema version ${foundVersion}, ` +
        `newer than this build knows (${knownVersion}); use a newer txnflow or another --state folder`,
    );
    this.name = 'LocalTablesTooNewError';
    this.service = service;
    this.foundVersion = foundVersion;
    this.knownVersion = knownVersion;
  }
}

/** The service's applied schema version; 0 before its first migration. */
function appliedVersion(db: MigratableDatabase, service: string): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'svc_schema_versions'")
    .get();
  if (!table) return 0;
  const row = db.prepare('SELECT version FROM svc_schema_versions WHERE service = ?').get(service);
  return (row as { version: number } | undefined)?.version ?? 0;
}

/** A read-only connection found a service's tables at an older schema version than this build's. */
class LocalTablesOutdatedError extends ContractError {
  readonly service: string;
  readonly foundVersion: number;
  readonly knownVersion: number;

  constructor(service: string, foundVersion: number, knownVersion: number) {
    super(
      `the ${service} tables of this state folder were written by an older txnflow (schema ` +
        `version ${foundVersion}, this build has ${knownVersion}); a command that drives the ` +
        'folder upgrades them: run `txnflow resume` once, then list again',
    );
    this.name = 'LocalTablesOutdatedError';
    this.service = service;
    this.foundVersion = foundVersion;
    this.knownVersion = knownVersion;
  }
}

/**
 * Brings a service's tables in the local runtime's SQLite file up to date: applies, in one
 * immediate transaction, the migrations not applied yet (recorded per service in
 * `svc_schema_versions`), and refuses a file written by a newer build. Append migrations,
 * never edit one: a state folder made by an older build upgrades on open.
 *
 * @example migrateLocalTables(db, 'ledger', [`CREATE TABLE IF NOT EXISTS ledger_x (...)`]);
 * On a read-only connection it only checks: a listing never writes.
 *
 * @throws {LocalTablesTooNewError} when the file is at a version this build does not know.
 * @throws {LocalTablesOutdatedError} when migrations are due on a read-only connection.
 */
function migrateLocalTables(
  db: MigratableDatabase,
  service: string,
  migrations: readonly string[],
): void {
  const current = () => appliedVersion(db, service);
  const found = current();
  if (found === migrations.length) return;
  if (found > migrations.length) {
    throw new LocalTablesTooNewError(service, found, migrations.length);
  }
  if (db.readonly) throw new LocalTablesOutdatedError(service, found, migrations.length);
  db.exec(
    'CREATE TABLE IF NOT EXISTS svc_schema_versions (service TEXT PRIMARY KEY, version INTEGER NOT NULL)',
  );
  db.transaction(() => {
    const applied = current(); // again, inside the write lock: another process may have won
    if (applied > migrations.length) {
      throw new LocalTablesTooNewError(service, applied, migrations.length);
    }
    for (const sql of migrations.slice(applied)) db.exec(sql);
    db.prepare(
      'INSERT INTO svc_schema_versions (service, version) VALUES (?, ?) ' +
        'ON CONFLICT (service) DO UPDATE SET version = excluded.version',
    ).run(service, migrations.length);
  }).immediate();
}

export type { MigratableDatabase };
export { LocalTablesOutdatedError, LocalTablesTooNewError, migrateLocalTables };
