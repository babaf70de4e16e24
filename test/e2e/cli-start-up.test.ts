import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const BIN = new URL('../../infra/cli/bin/txnflow.js', import.meta.url).pathname;
const RECORDER = new URL('../support/record-imports.mjs', import.meta.url).pathname;

interface BinRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node infra/cli/bin/txnflow.js ARGS…` run in `cwd`, as a user runs `npx txnflow` there. */
async function runBin(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}) {
  try {
    const { stdout, stderr } = await promisify(execFile)(process.execPath, [...args], {
      cwd,
      env: { ...process.env, TXNFLOW_FAULTS: '', ...env },
    });
    return { code: 0, stdout, stderr } satisfies BinRun;
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr } satisfies BinRun;
  }
}

describe('The txnflow CLI in a folder of its own, as npm start and npx run it', () => {
  let cwd: string;
  let demo: BinRun;

  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'txnflow-newcomer-'));
    demo = await runBin(cwd, [BIN, 'demo']);
  }, 120_000);

  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('ends the demo by saying where its state is and how to look at it', () => {
    expect(demo.code).toBe(0);
    const ending = demo.stdout.trimEnd().split('\n').slice(-7);
    expect(ending).toEqual([
      "The demo's state is in .txnflow/demo, not in the default ./.txnflow: give every command --state .txnflow/demo, e.g.",
      '  npx txnflow balances --state .txnflow/demo',
      '  npx txnflow queues --state .txnflow/demo',
      '  npx txnflow queue CustomerNotify --state .txnflow/demo',
      '  npx txnflow trace C1/T1008 --state .txnflow/demo',
      '  npx txnflow report transactions.txt --state .txnflow/demo',
      '  npx txnflow events --state .txnflow/demo',
    ]);
  });

  it("points a listing that finds the default state empty at the demo's state, and creates no default state", async () => {
    // Act
    const balances = await runBin(cwd, [BIN, 'balances']);
    const asSaid = await runBin(cwd, [BIN, 'balances', '--state', '.txnflow/demo', '--json']);

    // Assess
    expect(balances).toEqual({
      code: 0,
      stdout: '(none)\n',
      stderr:
        'txnflow: the state in .txnflow is empty; npm start (txnflow demo) keeps its state in .txnflow/demo: txnflow balances --state .txnflow/demo\n',
    });
    expect(existsSync(join(cwd, '.txnflow', 'runtime.sqlite'))).toBe(false);
    expect(JSON.parse(asSaid.stdout)).toEqual([
      { customerId: 'C1', balance: '907.55' },
      { customerId: 'C2', balance: '1750.00' },
    ]);
  });

  it('loads neither tsx nor the AWS SDK nor the CDK for a listing, and no local runtime for --version', async () => {
    // Prepare
    const listingImports = join(cwd, 'listing-imports.txt');
    const versionImports = join(cwd, 'version-imports.txt');

    // Act
    const listing = await runBin(
      cwd,
      ['--import', RECORDER, BIN, 'queues', '--state', '.txnflow/demo'],
      {
        RECORD_IMPORTS_TO: listingImports,
      },
    );
    const version = await runBin(cwd, ['--import', RECORDER, BIN, '--version'], {
      RECORD_IMPORTS_TO: versionImports,
    });

    // Assess
    expect([listing.code, version.code]).toEqual([0, 0]);
    const loaded = (await readFile(listingImports, 'utf8')).trim().split('\n');
    expect(
      loaded.filter((url) => /\/node_modules\/(tsx|@aws-sdk|aws-cdk-lib)\//.test(url)),
    ).toEqual([]);
    expect(loaded.some((url) => url.includes('/node_modules/better-sqlite3/'))).toBe(true);
    const forVersion = (await readFile(versionImports, 'utf8')).trim().split('\n');
    expect(
      forVersion.filter((url) => /better-sqlite3|\/listings-|\/infra\/local\//.test(url)),
    ).toEqual([]);
  });
});
