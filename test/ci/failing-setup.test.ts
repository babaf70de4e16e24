import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const VITEST = join(ROOT, 'node_modules', 'vitest', 'vitest.mjs');
const REPORT_SCRIPT = join(ROOT, '.ci', 'test-report.mjs');

interface JsonTest {
  readonly fullName: string;
  readonly status: string;
  readonly failureMessages: readonly string[];
}

interface Outcome {
  readonly tests: readonly JsonTest[];
  /** What CI's report step printed and whether it let the run pass. */
  readonly ci: { readonly passed: boolean; readonly output: string };
}

/** Runs the fixture file through a nested Vitest with one of the fixture configs, then CI's report. */
async function runFixtures(config: 'default' | 'strict', dir: string): Promise<Outcome> {
  const reportFile = join(dir, `${config}.json`);
  const configFile = join(ROOT, 'test', 'ci', 'fixtures', `${config}.vitest.config.ts`);
  // The nested run fails (that is the point); its report says how.
  await run(process.execPath, [
    VITEST,
    'run',
    '--config',
    configFile,
    '--reporter=json',
    `--outputFile.json=${reportFile}`,
  ]).catch(() => undefined);
  const report = JSON.parse(await readFile(reportFile, 'utf8')) as {
    testResults: { assertionResults: JsonTest[] }[];
  };
  const ci = await run(process.execPath, [REPORT_SCRIPT, reportFile]).then(
    (r) => ({ passed: true, output: r.stdout + r.stderr }),
    (e: { stdout: string; stderr: string }) => ({ passed: false, output: e.stdout + e.stderr }),
  );
  return { tests: report.testResults.flatMap((f) => f.assertionResults), ci };
}

const statusOf = (outcome: Outcome) =>
  Object.fromEntries(outcome.tests.map((t) => [t.fullName, t.status]));

describe('A suite whose beforeAll fails', () => {
  let dir: string;
  let strict: Outcome;
  let plain: Outcome;
  // Two nested Vitest runs: several seconds each on a busy machine.
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-ci-'));
    [strict, plain] = await Promise.all([runFixtures('strict', dir), runFixtures('default', dir)]);
  }, 180_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('fails each test it was preparing, naming the hook error, under the project runner', () => {
    expect(statusOf(strict)).toEqual({
      'a suite whose setup fails reads from the database': 'failed',
      'a suite whose setup fails a nested suite writes to the database': 'failed',
      'a suite whose setup works passes': 'passed',
    });
    for (const test of strict.tests.filter((t) => t.status === 'failed')) {
      expect(test.failureMessages[0]).toContain(
        'not run: a beforeAll hook of "a suite whose setup fails" failed: the database did not start',
      );
    }
  });

  it('fails CI with honest counts', () => {
    expect(strict.ci.passed).toBe(false);
    expect(strict.ci.output).toContain('3 tests: 1 passed, 2 failed, 0 did not run');
  });

  it('fails CI even where a runner reports its tests as skipped, naming each one', () => {
    expect(statusOf(plain)).toEqual({
      'a suite whose setup fails reads from the database': 'skipped',
      'a suite whose setup fails a nested suite writes to the database': 'skipped',
      'a suite whose setup works passes': 'passed',
    });
    expect(plain.ci.passed).toBe(false);
    expect(plain.ci.output).toContain('3 tests: 1 passed, 0 failed, 2 did not run');
    expect(plain.ci.output).toContain(
      'did not run (skipped): a suite whose setup fails reads from the database',
    );
  });
});
