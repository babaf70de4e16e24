import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from '../vitest.shared.ts';

// The cross-service suite; the root config runs it with every package (`npm test`).
export default defineConfig({
  test: {
    name: 'test',
    ...sharedTestOptions,
    // The routing contract reads the CDK templates the infra project synthesizes once per run.
    globalSetup: ['../infra/test/cdk/synthesize-once.ts'],
    // These tests run the CLI and the whole pipeline, start DynamoDB Local (Java) and import
    // the Lambda entries with the AWS SDK; on a 2-core machine with both cores busy that takes
    // several times what it takes on a quiet laptop, past Vitest's defaults (5 s a test, 10 s
    // a hook). A hang still fails, later.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
