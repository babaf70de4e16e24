import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from '../../vitest.shared.ts';

// Lets `npm test -w services/ingest` run this package alone; the root config runs every package.
export default defineConfig({
  test: {
    name: '@txnflow/ingest',
    ...sharedTestOptions,
    // The DynamoDB adapter tests talk to DynamoDB Local, a JVM: on a 2-core machine with both
    // cores busy a test's few requests can take longer than Vitest's default 5 s.
    testTimeout: 30_000,
  },
});
