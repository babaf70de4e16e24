import { existsSync, rmSync, truncateSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../../infra/local/index.ts';
import { CliHarness, SAMPLE } from '../support/cli.ts';

describe('A damaged state folder, through the txnflow CLI', () => {
  let cli: CliHarness;

  beforeEach(async () => {
    cli = await CliHarness.create();
    // The sample sends one alert email and leaves the upload and its reports in objects/.
    await cli.json('ingest', SAMPLE);
  }, 60_000);

  afterEach(async () => {
    await cli.dispose();
  });

  /** The one line a refused command prints, and its exit code. */
  async function refusal(...argv: string[]) {
    const run = await cli.run(...argv);
    return { code: run.code, lines: run.stderr.trimEnd().split('\n'), stdout: run.stdout };
  }

  it('refuses listings and ingests when runtime.sqlite is empty, naming the folder and what to do', async () => {
    // Prepare
    truncateSync(join(cli.stateDir, DATABASE_FILE), 0);

    // Act
    const balances = await refusal('balances');
    const ingest = await refusal('ingest', SAMPLE);

    // Assess
    for (const [command, run] of [
      ['balances', balances],
      ['ingest', ingest],
    ] as const) {
      expect(run.code, command).toBe(1);
      expect(run.stdout, command).toBe('');
      expect(run.lines, command).toEqual([
        expect.stringMatching(
          new RegExp(
            `^txnflow ${command} failed: The state folder ${cli.stateDir} is damaged: runtime.sqlite is empty \\(0 bytes\\), ` +
              'but the folder holds 1 email\\(s\\) in outbox/, 3 object\\(s\\) in objects/\\. ' +
              'Restore runtime.sqlite from a backup, or move the folder away to start from a fresh state\\.$',
          ),
        ),
      ]);
    }
  }, 60_000);

  it('refuses a folder whose runtime.sqlite was deleted, and does not create a new one', async () => {
    // Prepare
    rmSync(join(cli.stateDir, DATABASE_FILE));

    // Act
    const run = await refusal('customers', '--json');

    // Assess
    expect(run.code).toBe(1);
    expect(run.lines).toEqual([
      expect.stringContaining('runtime.sqlite is missing, but the folder holds'),
    ]);
    expect(existsSync(join(cli.stateDir, DATABASE_FILE))).toBe(false);
  }, 60_000);

  it('still treats an empty or missing folder as a fresh state', async () => {
    // Prepare
    const missing = await CliHarness.create();
    const empty = await CliHarness.create();
    await mkdir(empty.stateDir);

    // Act
    const runs = [await missing.run('balances', '--json'), await empty.run('balances', '--json')];
    await Promise.all([missing.dispose(), empty.dispose()]);

    // Assess
    for (const run of runs) {
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toEqual([]);
    }
  }, 60_000);
});
