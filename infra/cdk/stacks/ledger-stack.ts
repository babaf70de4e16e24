import { ledgerManifest } from '@txnflow/ledger';
import type { App } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { stackName } from '../names.ts';
import type { ServiceAppSettings } from '../service-app.ts';
import { ServiceStack, type ServiceStackProps } from './service-stack.ts';

interface LedgerStackProps extends Omit<ServiceStackProps, 'manifest' | 'alertEmail'> {
  /** HIGH_BALANCE_THRESHOLD of the function, a decimal amount: `1500.00`. */
  readonly highBalanceThreshold: string;
}

/**
 * Ledger: the TransactionTotal and LedgerEntries tables, the queue every TransactionRecorded
 * (replays included: that is a backfill) is delivered to, and the function consuming it.
 *
 * @example new LedgerStack(app, 'txnflow-dev-ledger', { stage: 'dev', highBalanceThreshold: '1500.00', serviceDir, depsLockFilePath })
 */
class LedgerStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: LedgerStackProps) {
    const { highBalanceThreshold, ...rest } = props;
    super(scope, id, {
      ...rest,
      manifest: ledgerManifest,
      environment: { ...rest.environment, HIGH_BALANCE_THRESHOLD: highBalanceThreshold },
    });
  }
}

/**
 * Adds the stage's ledger stack, `txnflow-<stage>-ledger`, to an app.
 *
 * @example addLedgerStack(app, serviceAppSettings(app))
 */
function addLedgerStack(app: App, settings: ServiceAppSettings): LedgerStack {
  const { stage, highBalanceThreshold } = settings.config;
  return new LedgerStack(app, stackName(stage, 'ledger'), {
    ...settings.common,
    serviceDir: settings.serviceDir('ledger'),
    highBalanceThreshold,
    description: `txnflow ${stage}: ledger service (balances, HighBalanceDetected)`,
  });
}

export type { LedgerStackProps };
export { addLedgerStack, LedgerStack };
