import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type App, type Environment, Tags, Validations } from 'aws-cdk-lib';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { readTxnflowConfig, type TxnflowConfig } from './config.ts';

/**
 * What every stack of a stage takes from the app, read once from its context. Nothing here
 * knows a service: a service's own app (infra/cdk/apps/) builds its stack from it without
 * any other service's code, as the app of every stack (txnflow-app.ts) does.
 */
interface ServiceAppSettings {
  readonly config: TxnflowConfig;
  /** The props every service stack shares. */
  readonly common: {
    readonly stage: string;
    readonly depsLockFilePath: string;
    readonly logRetention: RetentionDays;
    readonly env?: Environment;
  };
  /** A service's package folder: its manifest's entry paths are relative to it. */
  readonly serviceDir: (service: string) => string;
}

interface ServiceAppOptions {
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
 * The settings of the app's stage, from its context.
 *
 * @example const settings = serviceAppSettings(app); new LedgerStack(app, id, { ...settings.common, ... })
 */
function serviceAppSettings(app: App, options: ServiceAppOptions = {}): ServiceAppSettings {
  const config = readTxnflowConfig(app.node);
  const env = options.env ?? defaultEnvironment();
  return {
    config,
    common: {
      stage: config.stage,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      logRetention: config.logRetention,
      ...(env ? { env } : {}),
    },
    serviceDir: (service) => join(REPO_ROOT, 'services', service),
  };
}

/**
 * What every app of txnflow does after adding its stacks: tag them with the stage, and run
 * cdk-nag's AwsSolutions checks unless told not to.
 *
 * @example finishApp(app, settings, { nag: false })
 */
function finishApp(app: App, settings: ServiceAppSettings, options: ServiceAppOptions = {}): void {
  Tags.of(app).add('txnflow:stage', settings.config.stage);
  if (options.nag ?? true) {
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true }));
  }
}

export type { ServiceAppOptions, ServiceAppSettings };
export { finishApp, serviceAppSettings };
