import { alertingManifest, createLocalAlertingHandlers } from '@txnflow/alerting';
import type { ServiceManifest } from '@txnflow/contracts';
import { createLocalIngestHandlers, ingestManifest } from '@txnflow/ingest';
import { createLocalLedgerHandlers, ledgerManifest } from '@txnflow/ledger';
import type { LocalServiceContext } from './service-context.ts';

type LocalHandler = (event: never, context?: never) => Promise<unknown>;

/** A service as the local runtime runs it: its manifest and its locally wired handlers. */
interface LocalService {
  readonly manifest: ServiceManifest;
  readonly createHandlers: (ctx: LocalServiceContext) => Readonly<Record<string, LocalHandler>>;
}

/** Every txnflow service, in the order they are wired. */
const localServices: readonly LocalService[] = [
  { manifest: ingestManifest, createHandlers: createLocalIngestHandlers },
  { manifest: ledgerManifest, createHandlers: createLocalLedgerHandlers },
  { manifest: alertingManifest, createHandlers: createLocalAlertingHandlers },
];

/**
 * Finds a service by its manifest name.
 *
 * @example findLocalService('ledger')?.manifest.tables
 */
function findLocalService(name: string): LocalService | undefined {
  return localServices.find((s) => s.manifest.service === name);
}

export type { LocalHandler, LocalService };
export { findLocalService, localServices };
