import { alertingManifest } from '@txnflow/alerting';
import type { Construct } from 'constructs';
import { ServiceStack, type ServiceStackProps } from './service-stack.ts';

type AlertingStackProps = Omit<ServiceStackProps, 'manifest'>;

/**
 * Alerting: the Alerts table, the HighBalanceAlert topic with its email subscription, the
 * CustomerNotify and CreditCollection queues, and the function recording alerts. Its rules
 * take original events only, never replays, so a backfill notifies no one twice.
 *
 * @example new AlertingStack(app, 'txnflow-dev-alerting', { stage: 'dev', alertEmail, serviceDir, depsLockFilePath })
 */
class AlertingStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: AlertingStackProps) {
    super(scope, id, { ...props, manifest: alertingManifest });
  }
}

export type { AlertingStackProps };
export { AlertingStack };
