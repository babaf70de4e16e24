import { defineConfig } from 'vitest/config';

// Lets `npm test -w infra` run this package alone; the root config runs every package.
export default defineConfig({ test: { name: '@txnflow/infra' } });
