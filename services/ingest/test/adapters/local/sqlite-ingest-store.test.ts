import { localTableName } from '@txnflow/contracts';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteIngestStore } from '../../../src/adapters/local/sqlite-ingest-store.ts';
import { describeIngestQueries } from '../../ports/ingest-queries.suite.ts';
import { describeIngestStore } from '../../ports/ingest-store.suite.ts';
import { row } from '../../support/fakes.ts';

describeIngestStore('SQLite', async () => new SqliteIngestStore(new Database(':memory:')));
describeIngestQueries('SQLite', async () => new SqliteIngestStore(new Database(':memory:')));

/** Ingest's tables as builds before the watermark left them: a `published` flag per row. */
function stateOfAnOlderBuild(rows: [uploadId: string, line: number, published: 0 | 1][]) {
  const db = new Database(':memory:');
  const transactions = localTableName('ingest', 'Transactions');
  db.exec(`
    CREATE TABLE ${localTableName('ingest', 'Customer')} (
      customer_id TEXT PRIMARY KEY, address TEXT NOT NULL) WITHOUT ROWID;
    CREATE TABLE ${transactions} (
      customer_id TEXT NOT NULL, transaction_id TEXT NOT NULL, transaction_date TEXT NOT NULL,
      amount_cents INTEGER NOT NULL, published INTEGER NOT NULL, upload_id TEXT NOT NULL,
      upload_line INTEGER NOT NULL, PRIMARY KEY (customer_id, transaction_id)) WITHOUT ROWID;`);
  const insert = db.prepare(
    `INSERT INTO ${transactions} VALUES ('C1', ?, '2023-03-01', 12540, ?, ?, ?)`,
  );
  for (const [uploadId, line, published] of rows)
    insert.run(`${uploadId}-T${line}`, published, uploadId, line);
  return db;
}

describe('Class: SqliteIngestStore > migrations', () => {
  it("turns an older build's per-row published flags into each upload's watermark", async () => {
    const db = stateOfAnOlderBuild([
      ['upload-1', 2, 1],
      ['upload-1', 3, 1],
      ['upload-1', 4, 0],
      ['upload-1', 5, 0],
      ['upload-2', 2, 1],
      ['upload-2', 3, 1],
    ]);

    const store = new SqliteIngestStore(db);
    const again = (uploadId: string, line: number) =>
      store.recordBatch([row({ transactionId: `${uploadId}-T${line}`, line })], uploadId);

    expect(await again('upload-1', 3)).toEqual([{ kind: 'accepted', published: true }]);
    expect(await again('upload-1', 4)).toEqual([{ kind: 'accepted', published: false }]);
    expect(await again('upload-1', 5)).toEqual([{ kind: 'accepted', published: false }]);
    expect(await again('upload-2', 3)).toEqual([{ kind: 'accepted', published: true }]);
    expect(await store.listTransactions()).toHaveLength(6);
  });

  it('keeps every row and customer of an older build', async () => {
    const db = stateOfAnOlderBuild([['upload-1', 2, 1]]);
    db.exec(`INSERT INTO ${localTableName('ingest', 'Customer')} VALUES ('C1', 'Addr 1')`);

    const store = new SqliteIngestStore(db);

    expect(await store.listCustomers()).toEqual([{ customerId: 'C1', address: 'Addr 1' }]);
    expect(await store.listTransactions()).toEqual([
      {
        customerId: 'C1',
        transactionId: 'upload-1-T2',
        transactionDate: '2023-03-01',
        amountCents: 12_540,
      },
    ]);
  });
});
