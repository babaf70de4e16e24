import { alertingManifest } from '@txnflow/alerting';
import type { App } from 'aws-cdk-lib';
import type { Construct } from 'constructs';
import { stackName } from '../names.ts';
import type { ServiceAppSettings } from '../service-app.ts';
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

/**
 * Adds the stage's alerting stack, `txnflow-<stage>-alerting`, to an app.
 *
 * @example addAlertingStack(app, serviceAppSettings(app))
 */
function addAlertingStack(app: App, settings: ServiceAppSettings): AlertingStack {
  const { stage, alertEmail } = settings.config;
  return new AlertingStack(app, stackName(stage, 'alerting'), {
    ...settings.common,
    serviceDir: settings.serviceDir('alerting'),
    ...(alertEmail ? { alertEmail } : {}),
    description: `txnflow ${stage}: alerting service (Alerts, email, notify queues)`,
  });
}

export type { AlertingStackProps };
export { AlertingStack, addAlertingStack };
