import { defineConfig } from 'vitest/config';

// Lets `npm test -w services/alerting` run this package alone; the root config runs every package.
export default defineConfig({ test: { name: '@txnflow/alerting' } });
