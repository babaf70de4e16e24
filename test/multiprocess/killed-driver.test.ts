import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localTableName } from '@txnflow/contracts';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, HOLDER_FILE } from '../../infra/local/index.ts';
import { type CliProcess, runCli, startCli, writeTransactions } from '../support/cli-process.ts';
import { expectedBalances } from '../support/transactions-oracle.ts';

/** The pid the folder's holder note names, if there is a note. */
function notedHolder(stateDir: string): number | undefined {
  try {
    return (JSON.parse(readFileSync(join(stateDir, HOLDER_FILE), 'utf8')) as { pid: number }).pid;
  } catch {
    return undefined;
  }
}

function ledgerEntries(stateDir: string): number {
  try {
    const db = new Database(join(stateDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      const table = localTableName('ledger', 'LedgerEntries');
      return (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

/** Watches the folder until the child drives it and the ledger has applied rows, then SIGKILLs it. */
async function killWhileDriving(driver: CliProcess, stateDir: string): Promise<number> {
  let ended = false;
  void driver.exited.then(() => {
    ended = true;
  });
  while (!ended) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const applied = ledgerEntries(stateDir);
    if (notedHolder(stateDir) === driver.pid && applied > 0) {
      driver.child.kill('SIGKILL');
      await driver.exited;
      return applied;
    }
  }
  throw new Error(`the ingest ended before it could be killed: ${(await driver.exited).stderr}`);
}

describe('A driver killed with SIGKILL', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-killed-'));
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('leaves a stale holder note that the next command takes over at once, and nothing is lost', async () => {
    // Prepare
    const stateDir = join(dir, 'state');
    const file = join(dir, 'big.txt');
    const rows = await writeTransactions(file, { prefix: 'T', rows: 20_000, customers: 2_000 });
    const ingest = startCli('ingest', file, '--state', stateDir);
    const appliedAtKill = await killWhileDriving(ingest, stateDir);
    const staleHolder = notedHolder(stateDir);

    // Act: no wait allowed, so a folder still thought busy would be refused.
    const resume = await runCli('resume', '--state', stateDir, '--wait', '0');

    // Assess
    expect(appliedAtKill).toBeLessThan(rows.length);
    expect(staleHolder).toBe(ingest.pid);
    expect(resume.stderr).toBe('');
    expect(resume.code).toBe(0);
    expect(notedHolder(stateDir)).toBeUndefined();
    const balances = await runCli('balances', '--state', stateDir, '--json');
    expect(JSON.parse(balances.stdout)).toEqual(expectedBalances(rows));
    expect(ledgerEntries(stateDir)).toBe(rows.length);
  }, 600_000);
});
