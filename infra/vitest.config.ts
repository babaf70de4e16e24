import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from '../vitest.shared.ts';

// Lets `npm test -w infra` run this package alone; the root config runs every package.
export default defineConfig({
  test: {
    name: '@txnflow/infra',
    ...sharedTestOptions,
    // The CDK templates are synthesized once per run, before any file starts (no hook timeout
    // applies to a global setup), and shared with the cross-service `test` project.
    globalSetup: ['./test/cdk/synthesize-once.ts'],
    // This project bundles Lambda code, spawns Node.js processes and imports aws-cdk-lib; on
    // a 2-core machine with both cores busy that takes several times what it takes on a quiet
    // laptop, past Vitest's defaults (5 s a test, 10 s a hook). A hang still fails, later.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
