import { fileURLToPath } from 'node:url';

/**
 * Test options every project shares (each project's config spreads them: a project named by
 * folder does not inherit the root config). The strict runner fails the tests of a suite
 * whose `beforeAll` failed, instead of reporting them skipped.
 */
const sharedTestOptions = {
  runner: fileURLToPath(new URL('./test/support/strict-runner.ts', import.meta.url)),
} as const;

export { sharedTestOptions };
