import { alertingManifest } from '@txnflow/alerting';
import { ingestManifest } from '@txnflow/ingest';
import { ledgerManifest } from '@txnflow/ledger';
import { type App, Duration } from 'aws-cdk-lib';
import type { TxnflowConfig } from './config.ts';
import { stackName } from './names.ts';
import { finishApp, type ServiceAppOptions, serviceAppSettings } from './service-app.ts';
import { type AlertingStack, addAlertingStack } from './stacks/alerting-stack.ts';
import { BusStack } from './stacks/bus-stack.ts';
import { addIngestStack, type IngestStack } from './stacks/ingest-stack.ts';
import { addLedgerStack, type LedgerStack } from './stacks/ledger-stack.ts';

/** The stacks of one stage. */
interface TxnflowStacks {
  readonly config: TxnflowConfig;
  readonly bus: BusStack;
  readonly ingest: IngestStack;
  readonly ledger: LedgerStack;
  readonly alerting: AlertingStack;
}

type TxnflowAppOptions = ServiceAppOptions;

/**
 * Adds txnflow's stacks for the stage in the app's context: `txnflow-<stage>-bus` and one
 * per service (`-ingest`, `-ledger`, `-alerting`), each deployable alone. No stack refers
 * to another: services find the bus by its name. A service's own app (infra/cdk/apps/)
 * builds the same service stack without the other services' code.
 *
 * @example const { ledger } = buildTxnflowApp(new App({ context: { 'txnflow:stage': 'test' } }));
 */
function buildTxnflowApp(app: App, options: TxnflowAppOptions = {}): TxnflowStacks {
  const settings = serviceAppSettings(app, options);
  const { config } = settings;
  const manifests = [ingestManifest, ledgerManifest, alertingManifest];
  const env = settings.common.env;

  const stacks: TxnflowStacks = {
    config,
    bus: new BusStack(app, stackName(config.stage, 'bus'), {
      ...(env ? { env } : {}),
      stage: config.stage,
      archiveRetention: Duration.days(config.archiveRetentionDays),
      publishers: manifests.map((m) => ({ service: m.service, source: m.source })),
      opsEmails: config.opsEmails,
      description: `txnflow ${config.stage}: the event bus, its archive and schema registry, the operations topic`,
    }),
    ingest: addIngestStack(app, settings),
    ledger: addLedgerStack(app, settings),
    alerting: addAlertingStack(app, settings),
  };
  finishApp(app, settings, options);
  return stacks;
}

export type { TxnflowAppOptions, TxnflowStacks };
export { buildTxnflowApp };
