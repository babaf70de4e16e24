import { existsSync, realpathSync } from 'node:fs';
import { rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  belongsTo,
  prepareStandaloneCopy,
  SERVICES,
  typecheckAlone,
} from '../../infra/ci/services-alone.ts';

/**
 * The CI step that proves each service stands alone (infra/ci/services-alone.ts) is only
 * worth something if a service that used another's code would fail it: these tests show the
 * copy holds no other service, resolves no other service by package or by path, and that
 * its type-check fails on such an import, naming it.
 */
describe('A service copied alone, as CI checks it', () => {
  let copy: string;
  beforeAll(async () => {
    copy = await prepareStandaloneCopy('alerting');
  }, 120_000);
  afterAll(async () => {
    await rm(copy, { recursive: true, force: true });
  });

  it('keeps the service, the contracts, the shared infra and its own app, and nothing of the others', () => {
    const present = (file: string) => existsSync(join(copy, file));

    expect(present('services/alerting/src/manifest.ts')).toBe(true);
    expect(present('contracts/src/index.ts')).toBe(true);
    expect(present('infra/cdk/stacks/service-stack.ts')).toBe(true);
    expect(present('infra/cdk/apps/alerting-app.ts')).toBe(true);
    expect(present('test/support/strict-runner.ts')).toBe(true);
    for (const gone of [
      'services/ingest',
      'services/ledger',
      'infra/cdk/txnflow-app.ts',
      'infra/cdk/stacks/ledger-stack.ts',
      'infra/cdk/apps/ingest-app.ts',
      'infra/local-app',
      'test/e2e',
    ]) {
      expect(present(gone), gone).toBe(false);
    }
  });

  it('resolves the contracts to the copy, and no other service', () => {
    const from = createRequire(join(copy, 'services', 'alerting', 'src', 'index.ts'));

    expect(from.resolve('@txnflow/contracts')).toBe(
      join(realpathSync(copy), 'contracts', 'src', 'index.ts'),
    );
    expect(() => from.resolve('@txnflow/ledger')).toThrowError(
      /Cannot find module '@txnflow\/ledger'/,
    );
    expect(() => from.resolve('../../ingest/src/manifest.ts')).toThrowError(/Cannot find module/);
  });

  it("fails the service's type-check when it imports another service, by package or by path", async () => {
    await writeFile(
      join(copy, 'services', 'alerting', 'src', 'leak.ts'),
      "import { ledgerManifest } from '@txnflow/ledger';\n" +
        "import { ingestManifest } from '../../ingest/src/manifest.ts';\n" +
        'export const leaked = [ledgerManifest, ingestManifest];\n',
    );

    const outcome = typecheckAlone(copy, 'alerting', true);

    expect(outcome.ok).toBe(false);
    expect(outcome.output).toContain("Cannot find module '@txnflow/ledger'");
    expect(outcome.output).toContain("Cannot find module '../../ingest/src/manifest.ts'");
  }, 300_000);
});

describe('Function: belongsTo', () => {
  it.each(SERVICES)(
    'gives %s no file of another service and nothing that composes them all',
    (service) => {
      const others = SERVICES.filter((s) => s !== service);
      const files = [
        ...others.flatMap((o) => [
          `services/${o}/src/index.ts`,
          `infra/cdk/stacks/${o}-stack.ts`,
          `infra/cdk/apps/${o}-app.ts`,
        ]),
        'infra/cdk/txnflow-app.ts',
        'infra/cdk/app.ts',
        'infra/local-app/services.ts',
        'test/e2e/main-job.test.ts',
      ];

      expect(files.filter((f) => belongsTo(service, f))).toEqual([]);
      expect(belongsTo(service, `services/${service}/src/index.ts`)).toBe(true);
      expect(belongsTo(service, `infra/cdk/apps/${service}-app.ts`)).toBe(true);
    },
  );
});
