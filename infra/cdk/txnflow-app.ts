import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alertingManifest } from '@txnflow/alerting';
import { ingestManifest } from '@txnflow/ingest';
import { ledgerManifest } from '@txnflow/ledger';
import { type App, Duration, type Environment, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readTxnflowConfig, type TxnflowConfig } from './config.ts';
import { stackName } from './names.ts';
import { AlertingStack } from './stacks/alerting-stack.ts';
import { BusStack } from './stacks/bus-stack.ts';
import { IngestStack } from './stacks/ingest-stack.ts';
import { LedgerStack } from './stacks/ledger-stack.ts';

/** The stacks of one stage. */
interface TxnflowStacks {
  readonly config: TxnflowConfig;
  readonly bus: BusStack;
  readonly ingest: IngestStack;
  readonly ledger: LedgerStack;
  readonly alerting: AlertingStack;
}

interface TxnflowAppOptions {
  /** @default - the CLI's account and region (`CDK_DEFAULT_ACCOUNT`/`REGION`), else agnostic */
  readonly env?: Environment;
  /** Run cdk-nag's AwsSolutions checks on every stack. @default true */
  readonly nag?: boolean;
}

const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

function defaultEnvironment(): Environment | undefined {
  const account = process.env.CDK_DEFAULT_ACCOUNT;
  const region = process.env.CDK_DEFAULT_REGION;
  return account && region ? { account, region } : undefined;
}

/**
 * Adds txnflow's stacks for the stage in the app's context: `txnflow-<stage>-bus` and one
 * per service (`-ingest`, `-ledger`, `-alerting`), each deployable alone. No stack refers
 * to another: services find the bus by its name.
 *
 * @example const { ledger } = buildTxnflowApp(new App({ context: { 'txnflow:stage': 'test' } }));
 */
function buildTxnflowApp(app: App, options: TxnflowAppOptions = {}): TxnflowStacks {
  const config = readTxnflowConfig(app.node);
  const env = options.env ?? defaultEnvironment();
  const common = {
    stage: config.stage,
    depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
    logRetention: config.logRetention,
    ...(env ? { env } : {}),
  };
  const serviceDir = (service: string) => join(REPO_ROOT, 'services', service);
  const manifests = [ingestManifest, ledgerManifest, alertingManifest];

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
    ingest: new IngestStack(app, stackName(config.stage, 'ingest'), {
      ...common,
      serviceDir: serviceDir('ingest'),
      description: `txnflow ${config.stage}: ingest service (uploads bucket, Customer, Transactions)`,
    }),
    ledger: new LedgerStack(app, stackName(config.stage, 'ledger'), {
      ...common,
      serviceDir: serviceDir('ledger'),
      highBalanceThreshold: config.highBalanceThreshold,
      description: `txnflow ${config.stage}: ledger service (balances, HighBalanceDetected)`,
    }),
    alerting: new AlertingStack(app, stackName(config.stage, 'alerting'), {
      ...common,
      serviceDir: serviceDir('alerting'),
      ...(config.alertEmail ? { alertEmail: config.alertEmail } : {}),
      description: `txnflow ${config.stage}: alerting service (Alerts, email, notify queues)`,
    }),
  };
  Tags.of(app).add('txnflow:stage', config.stage);
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
  return stacks;
}

export type { TxnflowAppOptions, TxnflowStacks };
export { buildTxnflowApp };
