import { defineConfig } from 'vitest/config';

// One project per workspace package plus the cross-service suite in test/, so that
// `npm test` runs everything and `npm test -w services/ledger` runs one package alone.
export default defineConfig({
  test: {
    projects: ['contracts', 'services/*', 'infra', 'test'],
  },
});
