import { alertingConsumes, alertingManifest } from '@txnflow/alerting';
import { shippedContracts } from '@txnflow/contracts';
import { ingestManifest } from '@txnflow/ingest';
import { ledgerConsumes, ledgerManifest } from '@txnflow/ledger';
import rootPackage from '../../package.json' with { type: 'json' };
import type { CatalogueSources } from './asyncapi.ts';

/** What the catalogue is generated from: the shipped contracts and every service. */
const catalogueSources: CatalogueSources = {
  version: rootPackage.version,
  contracts: shippedContracts,
  manifests: [ingestManifest, ledgerManifest, alertingManifest],
  consumers: [ledgerConsumes, alertingConsumes],
};

export { catalogueSources };
