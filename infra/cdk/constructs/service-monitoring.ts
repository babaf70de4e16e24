import { Duration, Stack } from 'aws-cdk-lib';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type IWidget,
  Metric,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IRule } from 'aws-cdk-lib/aws-events';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

/** A rule of the service, by its manifest name. */
interface MonitoredRule {
  readonly name: string;
  readonly rule: IRule;
  /** EventBridge reports a custom bus's rules with this dimension. @default - the default bus */
  readonly eventBusName?: string;
}

interface MonitoredFunction {
  readonly name: string;
  readonly function: IFunction;
}

interface MonitoredQueue {
  readonly name: string;
  readonly queue: IQueue;
  /** @default - no alarm on the age of the oldest message (no handler consumes the queue) */
  readonly oldestMessageAlarmSeconds?: number;
}

interface ServiceMonitoringProps {
  readonly service: string;
  readonly dashboardName: string;
  /** Every alarm of the stack notifies it, when it fires and when it recovers. */
  readonly opsTopic: ITopic;
  readonly rules: readonly MonitoredRule[];
  readonly functions: readonly MonitoredFunction[];
  readonly queues: readonly MonitoredQueue[];
  /** Every dead-letter queue of the service (each already has its own alarm). */
  readonly deadLetterQueues: readonly MonitoredQueue[];
}

const FIVE_MINUTES = Duration.minutes(5);

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

function ruleMetric(rule: MonitoredRule, metricName: string): Metric {
  const dimensionsMap: Record<string, string> = { RuleName: rule.rule.ruleName };
  if (rule.eventBusName) dimensionsMap.EventBusName = rule.eventBusName;
  return new Metric({
    namespace: 'AWS/Events',
    metricName,
    dimensionsMap,
    statistic: 'Sum',
    period: FIVE_MINUTES,
  });
}

/**
 * What an operator of one service watches: alarms on its rules (`FailedInvocations`,
 * `InvocationsFailedToBeSentToDlq`), its functions (`Errors`, `Throttles`) and the age of
 * the oldest message of each queue a handler consumes, beside the dead-letter queues' own
 * alarms; every alarm of the stack notifies the stage's operations topic; and a dashboard.
 * Create it last in the stack: it wires the alarms that exist by then.
 *
 * @example new ServiceMonitoring(this, 'Monitoring', { service: 'ledger', dashboardName, opsTopic, rules, functions, queues, deadLetterQueues })
 */
class ServiceMonitoring extends Construct {
  readonly alarms: readonly Alarm[];
  readonly dashboard: Dashboard;

  constructor(scope: Construct, id: string, props: ServiceMonitoringProps) {
    super(scope, id);
    this.#ruleAlarms(props);
    this.#functionAlarms(props);
    this.#queueAlarms(props);
    const alarms = Stack.of(this)
      .node.findAll()
      .filter((c): c is Alarm => c instanceof Alarm);
    const action = new SnsAction(props.opsTopic);
    for (const alarm of alarms) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
    this.alarms = alarms;
    this.dashboard = new Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      widgets: this.#widgets(props, alarms),
    });
  }

  #alarm(id: string, description: string, metric: Metric, threshold = 0): Alarm {
    return new Alarm(this, id, {
      alarmDescription: description,
      metric,
      threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      // EventBridge and Lambda send nothing for a quiet period: quiet is healthy.
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  #ruleAlarms(props: ServiceMonitoringProps): void {
    for (const rule of props.rules) {
      this.#alarm(
        `${rule.name}FailedInvocationsAlarm`,
        `${props.service} rule ${rule.name}: deliveries to its target failed for good. Look at its dead-letter queue.`,
        ruleMetric(rule, 'FailedInvocations'),
      );
      this.#alarm(
        `${rule.name}DlqFailuresAlarm`,
        `${props.service} rule ${rule.name}: events could not be put in its dead-letter queue, so they are lost. Check the queue's policy and key.`,
        ruleMetric(rule, 'InvocationsFailedToBeSentToDlq'),
      );
    }
  }

  #functionAlarms(props: ServiceMonitoringProps): void {
    for (const { name, function: fn } of props.functions) {
      this.#alarm(
        `${pascal(name)}ErrorsAlarm`,
        `${props.service} function ${name} failed (it is retried; its dead-letter queue has what never succeeded). Read its log group.`,
        fn.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
      );
      this.#alarm(
        `${pascal(name)}ThrottlesAlarm`,
        `${props.service} function ${name} was throttled: the account's or its concurrency limit.`,
        fn.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
      );
    }
  }

  #queueAlarms(props: ServiceMonitoringProps): void {
    for (const { name, queue, oldestMessageAlarmSeconds } of props.queues) {
      if (oldestMessageAlarmSeconds === undefined) continue;
      this.#alarm(
        `${name}OldestMessageAlarm`,
        `${props.service} queue ${name}: a message waits over ${oldestMessageAlarmSeconds} s; its consumer is stalled, throttled or retrying a failing batch.`,
        queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: 'Maximum' }),
        oldestMessageAlarmSeconds,
      );
    }
  }

  #widgets(props: ServiceMonitoringProps, alarms: readonly Alarm[]): IWidget[][] {
    const graph = (title: string, left: Metric[]) => new GraphWidget({ title, left, width: 12 });
    return [
      [
        new TextWidget({
          markdown:
            `# txnflow ${props.service}\n` +
            'A dead letter: `txnflow queue NAME` shows its error; fix, then `txnflow redrive NAME`.',
          width: 24,
          height: 2,
        }),
      ],
      [new AlarmStatusWidget({ title: 'Alarms', alarms: [...alarms], width: 24 })],
      props.rules.map((rule) =>
        graph(`Rule ${rule.name}`, [
          ruleMetric(rule, 'Invocations'),
          ruleMetric(rule, 'FailedInvocations'),
          ruleMetric(rule, 'InvocationsSentToDlq'),
          ruleMetric(rule, 'InvocationsFailedToBeSentToDlq'),
        ]),
      ),
      props.functions.map(({ name, function: fn }) =>
        graph(`Function ${name}`, [
          fn.metricInvocations({ period: FIVE_MINUTES }),
          fn.metricErrors({ period: FIVE_MINUTES }),
          fn.metricThrottles({ period: FIVE_MINUTES }),
        ]),
      ),
      props.queues.map(({ name, queue }) =>
        graph(`Queue ${name}`, [
          queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES }),
          queue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES }),
        ]),
      ),
      [
        graph(
          'Dead-letter queues (messages visible)',
          props.deadLetterQueues.map(({ name, queue }) =>
            queue.metricApproximateNumberOfMessagesVisible({
              label: name,
              period: FIVE_MINUTES,
              statistic: 'Maximum',
            }),
          ),
        ),
      ],
    ];
  }
}

export type { MonitoredFunction, MonitoredQueue, MonitoredRule, ServiceMonitoringProps };
export { ServiceMonitoring };
