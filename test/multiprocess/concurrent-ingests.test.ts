import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localTableName } from '@txnflow/contracts';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../infra/local/index.ts';
import { runCli, startCli, writeTransactions } from '../support/cli-process.ts';
import { expectedBalances } from '../support/transactions-oracle.ts';

const ROWS_PER_FILE = 5000;
const CUSTOMERS = 250;

/** The ledger's applied entries, read straight from the file: one row per applied transaction. */
function ledgerEntries(stateDir: string): number {
  const db = new Database(join(stateDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
  try {
    const table = localTableName('ledger', 'LedgerEntries');
    return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

describe('Two `txnflow ingest` processes started at once on one state folder', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-two-ingests-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('both finish with their summaries, and every row of both files is applied exactly once', async () => {
    // Prepare: two files over the same customers, with transaction ids of their own.
    const stateDir = join(dir, 'state');
    const fileA = join(dir, 'a.txt');
    const fileB = join(dir, 'b.txt');
    const rowsA = await writeTransactions(fileA, {
      prefix: 'A',
      rows: ROWS_PER_FILE,
      customers: CUSTOMERS,
    });
    const rowsB = await writeTransactions(fileB, {
      prefix: 'B',
      rows: ROWS_PER_FILE,
      customers: CUSTOMERS,
    });

    // Act
    const [a, b] = await Promise.all([
      startCli('ingest', fileA, '--state', stateDir, '--json').exited,
      startCli('ingest', fileB, '--state', stateDir, '--json').exited,
    ]);

    // Assess
    expect(a.stderr).not.toMatch(/failed/);
    expect(b.stderr).not.toMatch(/failed/);
    expect([a.code, b.code]).toEqual([0, 0]);
    expect(JSON.parse(a.stdout).files).toEqual([
      expect.objectContaining({ file: 'incoming/a.txt', accepted: ROWS_PER_FILE, rejected: [] }),
    ]);
    expect(JSON.parse(b.stdout).files).toEqual([
      expect.objectContaining({ file: 'incoming/b.txt', accepted: ROWS_PER_FILE, rejected: [] }),
    ]);
    const balances = await runCli('balances', '--state', stateDir, '--json');
    expect(balances.code).toBe(0);
    expect(JSON.parse(balances.stdout)).toEqual(expectedBalances([...rowsA, ...rowsB]));
    expect(ledgerEntries(stateDir)).toBe(2 * ROWS_PER_FILE);
  }, 300_000);
});
