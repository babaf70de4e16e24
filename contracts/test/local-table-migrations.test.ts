import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  LocalTablesOutdatedError,
  LocalTablesTooNewError,
  migrateLocalTables,
} from '../src/local-table-migrations.ts';

const V1 = 'CREATE TABLE ledger_t (id TEXT PRIMARY KEY)';
const V2 = 'ALTER TABLE ledger_t ADD COLUMN version INTEGER';
const columnsOf = (db: Database.Database) =>
  (db.prepare("SELECT name FROM pragma_table_info('ledger_t')").all() as { name: string }[]).map(
    (c) => c.name,
  );

describe('Function: migrateLocalTables', () => {
  it('applies every migration once, in order, and nothing on the next open', () => {
    const db = new Database(':memory:');

    migrateLocalTables(db, 'ledger', [V1, V2]);
    migrateLocalTables(db, 'ledger', [V1, V2]);

    expect(columnsOf(db)).toEqual(['id', 'version']);
  });

  it('upgrades tables an older build left at an earlier version', () => {
    const db = new Database(':memory:');
    migrateLocalTables(db, 'ledger', [V1]);

    migrateLocalTables(db, 'ledger', [V1, V2]);

    expect(columnsOf(db)).toEqual(['id', 'version']);
  });

  it('refuses tables a newer build wrote, naming the service and both versions', () => {
    const db = new Database(':memory:');
    migrateLocalTables(db, 'ledger', [V1, V2]);

    expect(() => migrateLocalTables(db, 'ledger', [V1])).toThrowError(LocalTablesTooNewError);
    expect(() => migrateLocalTables(db, 'ledger', [V1])).toThrowError(
      'the ledger tables of this state folder are at schema version 2, newer than this build knows (1)',
    );
  });

  it('never writes on a read-only connection: outdated tables are refused with what to run', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'txnflow-migrations-')), 'state.sqlite');
    const writer = new Database(file);
    migrateLocalTables(writer, 'ledger', [V1]);
    writer.close();
    const reader = new Database(file, { readonly: true });

    expect(() => migrateLocalTables(reader, 'ledger', [V1])).not.toThrow();
    expect(() => migrateLocalTables(reader, 'ledger', [V1, V2])).toThrowError(
      LocalTablesOutdatedError,
    );
    expect(() => migrateLocalTables(reader, 'ledger', [V1, V2])).toThrowError(/txnflow resume/);
    expect(columnsOf(reader)).toEqual(['id']);
  });
});
