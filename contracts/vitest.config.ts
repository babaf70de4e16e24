import { defineConfig } from 'vitest/config';
import { sharedTestOptions } from '../vitest.shared.ts';

// Lets `npm test -w contracts` run this package alone; the root config runs every package.
export default defineConfig({ test: { name: '@txnflow/contracts', ...sharedTestOptions } });
