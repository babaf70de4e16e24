import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalTxnflow } from '../../infra/local-app/local-txnflow.ts';
import { SAMPLE } from '../support/cli.ts';
import { type CliExit, runCli, startCli, writeTransactions } from '../support/cli-process.ts';
import { expectedBalances } from '../support/transactions-oracle.ts';

const LISTINGS: readonly string[][] = [
  ['balances'],
  ['customers'],
  ['transactions', '--customer', 'C1'],
  ['alerts'],
  ['queue', 'CustomerNotify'],
  ['outbox'],
  ['events'],
];

/**
 * A listing must exit 0 and print exactly one JSON value, whatever else is going on; on
 * stderr it may only have said that it waited for a driver still setting the folder up.
 */
function expectListed(run: CliExit, listing: readonly string[]): void {
  const said = run.stderr.split('\n').filter((line) => line !== '');
  for (const line of said) expect(line, listing.join(' ')).toMatch(/^txnflow: waiting for /);
  expect(run.code, listing.join(' ')).toBe(0);
  expect(() => JSON.parse(run.stdout), listing.join(' ')).not.toThrow();
}

describe('Listings and a process that drives the same state folder', () => {
  let dir: string;
  let stateDir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-listings-'));
    stateDir = join(dir, 'state');
  });

  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('every listing succeeds while an ingest runs, and the ingest loses nothing', async () => {
    // Prepare
    const file = join(dir, 'big.txt');
    const rows = await writeTransactions(file, { prefix: 'T', rows: 20_000, customers: 2_000 });

    // Act: rounds of every listing, one process after the other, until the ingest has ended.
    const ingest = startCli('ingest', file, '--state', stateDir, '--json');
    let ended = false;
    void ingest.exited.then(() => {
      ended = true;
    });
    const listed: { listing: readonly string[]; run: CliExit }[] = [];
    let roundsStartedDuringIngest = 0;
    do {
      if (!ended) roundsStartedDuringIngest += 1;
      for (const listing of LISTINGS) {
        listed.push({ listing, run: await runCli(...listing, '--state', stateDir, '--json') });
      }
    } while (!ended);
    const ingested = await ingest.exited;

    // Assess
    for (const { listing, run } of listed) expectListed(run, listing);
    expect(roundsStartedDuringIngest).toBeGreaterThan(0);
    expect(ingested.code).toBe(0);
    expect(JSON.parse(ingested.stdout).files).toEqual([
      expect.objectContaining({ accepted: rows.length, rejected: [] }),
    ]);
    const balances = await runCli('balances', '--state', stateDir, '--json');
    expect(JSON.parse(balances.stdout)).toEqual(expectedBalances(rows));
  }, 600_000);

  describe('when another process holds the folder', () => {
    let holder: LocalTxnflow;

    beforeEach(async () => {
      holder = LocalTxnflow.open({ stateDir, env: {}, owner: 'txnflow ingest transactions.txt' });
      await holder.ingestFiles([SAMPLE]);
    }, 60_000);

    afterEach(() => {
      holder.close();
    });

    it('a listing reads beside it', async () => {
      // Act
      const run = await runCli('balances', '--state', stateDir, '--json');

      // Assess
      expectListed(run, ['balances']);
      expect(JSON.parse(run.stdout)).toEqual([
        { customerId: 'C1', balance: '907.55' },
        { customerId: 'C2', balance: '1750.00' },
      ]);
    }, 60_000);

    it('a listing leaves alone what the holder is in the middle of: messages it holds, an upload it is writing', async () => {
      // Prepare
      const [held] = holder.runtime.receiveMessages({
        queue: 'CustomerNotify',
        visibilityTimeoutSeconds: 3600,
      });
      const upload = join(stateDir, 'objects', 'upload-in-progress.tmp');
      await writeFile(upload, 'the first half of a file');

      // Act
      const run = await runCli('queue', 'CustomerNotify', '--state', stateDir, '--json');

      // Assess
      expectListed(run, ['queue', 'CustomerNotify']);
      expect(held).toBeDefined();
      expect(holder.queue('CustomerNotify').map((m) => m.visible)).toEqual([false]);
      expect(existsSync(upload)).toBe(true);
    }, 60_000);

    it('a command that drives, told not to wait, refuses on one line naming the folder and the holder', async () => {
      // Act
      const run = await runCli('resume', '--state', stateDir, '--wait', '0');

      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr.trimEnd().split('\n')).toEqual([
        expect.stringMatching(
          `^txnflow resume failed: pid ${process.pid} \\(txnflow ingest transactions.txt\\) is using the state folder ${stateDir} since `,
        ),
      ]);
    }, 60_000);

    it('a command that drives waits, says whom for, and goes on once the holder lets go', async () => {
      // Prepare
      const file = join(dir, 'more.txt');
      const rows = await writeTransactions(file, { prefix: 'M', rows: 10, customers: 5 });
      const ingest = startCli('ingest', file, '--state', stateDir, '--json');

      // Act
      const saidSo = await ingest.stderrContains(
        `txnflow: waiting for pid ${process.pid} (txnflow ingest transactions.txt), which is using the state folder ${stateDir}`,
      );
      holder.close();
      const run = await ingest.exited;

      // Assess
      expect(saidSo).toBe(true);
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout).files).toEqual([
        expect.objectContaining({ file: 'incoming/more.txt', accepted: rows.length }),
      ]);
      const transactions = await runCli('transactions', '--state', stateDir, '--json');
      expect(JSON.parse(transactions.stdout)).toHaveLength(24 + rows.length);
    }, 120_000);
  });
});
