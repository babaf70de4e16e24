import { type RunnerTestSuite, TestRunner } from 'vitest';

/** A test that was meant to run and did not, because a `beforeAll` of its suite failed. */
class HookFailedError extends Error {
  constructor(suite: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`not run: a beforeAll hook of "${suite}" failed: ${reason}`, { cause });
    this.name = 'HookFailedError';
  }
}

/**
 * Vitest's runner, except that a failing `beforeAll` fails the tests it was preparing instead
 * of leaving them "skipped": a run whose setup broke must not read as green with a few
 * skips. Each of those tests fails with the hook's error as its cause (a `beforeEach` put in
 * front of the suite's own); `afterAll` and `afterEach` still run.
 *
 * @example export default defineConfig({ test: { runner: './test/support/strict-runner.ts' } });
 */
class StrictRunner extends TestRunner {
  override async onBeforeRunSuite(suite: RunnerTestSuite): Promise<void> {
    // The hook lists are changed in place: Vitest 4.1's `setSuiteHooks` is an alias of the getter.
    const hooks = TestRunner.getSuiteHooks(suite);
    hooks.beforeAll.forEach((hook, index) => {
      hooks.beforeAll[index] = async (...args: Parameters<typeof hook>) => {
        try {
          return await hook(...args);
        } catch (error) {
          const failed = new HookFailedError(suite.name, error);
          hooks.beforeEach.unshift(() => {
            throw failed;
          });
          return undefined;
        }
      };
    });
    await super.onBeforeRunSuite(suite);
  }
}

export default StrictRunner;
