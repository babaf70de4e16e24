import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { localTableName } from '@txnflow/contracts';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTransactionsFile } from '../../infra/bench/generate-transactions.ts';
import { DATABASE_FILE } from '../../infra/local/index.ts';
import { LocalTxnflow, type OpenLocalTxnflowOptions } from '../../infra/local-app/local-txnflow.ts';
import { localServices } from '../../infra/local-app/services.ts';
import { deadLetterQueuesOf } from '../../infra/local-app/wire.ts';
import { expectedBalances, readOracleRows } from '../support/transactions-oracle.ts';

const BIN = new URL('../../infra/cli/bin/txnflow.js', import.meta.url).pathname;
const ROWS = 10_000;
// Shuffled over 20 customers: a queue batch holds several rows of one customer, the path
// where a chain of a customer's entries is committed at once.
const CUSTOMERS = 20;

/** Everything a user can observe after a run, in a form that does not depend on delivery order. */
async function outcomeOf(txnflow: LocalTxnflow) {
  const alerts = await txnflow.alerts();
  const perCustomer = (ids: string[]) =>
    Object.fromEntries(
      [...new Set(ids)].sort().map((c) => [c, ids.filter((id) => id === c).length]),
    );
  // Queue consumers dedupe by alert id (at-least-once delivery): count distinct alerts.
  const queued = (name: string) => {
    const byAlert = new Map<string, string>();
    for (const m of txnflow.queue(name)) {
      const data = JSON.parse(String(m.body)).detail.data as {
        alertId: string;
        customerId: string;
      };
      byAlert.set(data.alertId, data.customerId);
    }
    return perCustomer([...byAlert.values()]);
  };
  return {
    balances: await txnflow.balances(),
    alertsPerCustomer: perCustomer(alerts.map((a) => a.customerId)),
    everyAlertEmailed: alerts.every((a) => a.emailed),
    emails: txnflow.outbox().length,
    customerNotify: queued('CustomerNotify'),
    creditCollection: queued('CreditCollection'),
  };
}

const DEAD_LETTER_QUEUES = deadLetterQueuesOf(localServices);

/** Polls the child's state until the ledger has applied some rows, then SIGKILLs it. */
async function killOnceLedgerIsBusy(child: ChildProcess, stateDir: string): Promise<number> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const applied = countLedgerEntries(stateDir);
    if (applied > 0) {
      child.kill('SIGKILL');
      await new Promise((resolve) => child.once('exit', resolve));
      return applied;
    }
  }
  child.kill('SIGKILL');
  throw new Error('the ledger never started applying rows');
}

function countLedgerEntries(stateDir: string): number {
  try {
    const db = new Database(join(stateDir, DATABASE_FILE), { readonly: true, fileMustExist: true });
    try {
      const row = db
        .prepare(`SELECT count(*) AS n FROM ${localTableName('ledger', 'LedgerEntries')}`)
        .get() as { n: number };
      return row.n;
    } finally {
      db.close();
    }
  } catch {
    return 0;
  }
}

describe('Fault drills on a generated file of 10,000 shuffled rows over 20 customers', () => {
  let dir: string;
  let file: string;
  let expected: Awaited<ReturnType<typeof outcomeOf>>;

  async function withState<T>(
    name: string,
    options: Partial<OpenLocalTxnflowOptions>,
    work: (t: LocalTxnflow) => Promise<T>,
  ) {
    const txnflow = LocalTxnflow.open({ stateDir: join(dir, name), env: {}, ...options });
    try {
      return await work(txnflow);
    } finally {
      txnflow.close();
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-faults-'));
    file = join(dir, 'generated.txt');
    await generateTransactionsFile(file, {
      rows: ROWS,
      customers: CUSTOMERS,
      seed: 42,
      order: 'shuffled',
    });
    expected = await withState('fault-free', {}, async (txnflow) => {
      const [summary] = await txnflow.ingestFiles([file]);
      expect(summary).toMatchObject({ accepted: ROWS, duplicates: 0, rejected: [] });
      return outcomeOf(txnflow);
    });
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('the fault-free run ends at the sums of the file and alerts each of the 10 savers once and no spender', async () => {
    expect(expected.balances).toEqual(expectedBalances(await readOracleRows(file)));
    expect(Object.keys(expected.alertsPerCustomer)).toHaveLength(CUSTOMERS / 2);
    expect(Object.values(expected.alertsPerCustomer).every((n) => n === 1)).toBe(true);
    expect(expected.emails).toBe(CUSTOMERS / 2);
  });

  it('ends as the fault-free run under duplicate deliveries and failing handlers, once the DLQs are redriven', async () => {
    const outcome = await withState(
      'faulty',
      { faults: { duplicateRate: 0.3, failRate: 0.2, seed: 7 } },
      async (txnflow) => {
        await txnflow.ingestFiles([file]);
        // Only what exhausted its retries is dead-lettered, each with its error and attempts.
        for (const queue of DEAD_LETTER_QUEUES) {
          for (const message of txnflow.queue(queue)) {
            expect(JSON.stringify(message), queue).toMatch(/injected fault/i);
          }
        }
        for (
          let round = 0;
          round < 10 && DEAD_LETTER_QUEUES.some((q) => txnflow.queue(q).length > 0);
          round += 1
        ) {
          for (const queue of DEAD_LETTER_QUEUES) {
            if (txnflow.queue(queue).length > 0) await txnflow.redrive(queue);
          }
        }
        for (const queue of DEAD_LETTER_QUEUES) expect(txnflow.queue(queue), queue).toEqual([]);
        return outcomeOf(txnflow);
      },
    );

    expect(outcome).toEqual(expected);
  }, 300_000);

  it('ends as the fault-free run when the process is killed mid-run and started again on the same state', async () => {
    const stateDir = join(dir, 'crashed');
    const child = spawn(process.execPath, [BIN, 'ingest', file, '--state', stateDir], {
      stdio: 'ignore',
      // Groups of 20 ms: with the default 2 s a run of 10,000 rows commits about once, and
      // the kill would find everything or nothing applied.
      env: { ...process.env, TXNFLOW_FAULTS: '', TXNFLOW_GROUP_COMMIT_MS: '20' },
    });
    const appliedAtKill = await killOnceLedgerIsBusy(child, stateDir);
    expect(appliedAtKill).toBeGreaterThan(0);
    expect(appliedAtKill).toBeLessThan(ROWS);

    const outcome = await withState('crashed', {}, async (txnflow) => {
      await txnflow.runUntilIdle();
      return outcomeOf(txnflow);
    });

    expect(outcome).toEqual(expected);
  }, 300_000);
});
