import { alertingManifest } from '@txnflow/alerting';
import {
  manifestDeadLetterQueues,
  resolveManifest,
  type ServiceManifest,
} from '@txnflow/contracts';
import { ingestManifest } from '@txnflow/ingest';
import { ledgerManifest } from '@txnflow/ledger';
import type { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  getAtt,
  type Json,
  logicalId,
  propertiesOf,
  resourcesOfType,
  ruleNamed,
  templateOf,
} from './txnflow-templates.ts';

/**
 * What an operator gets from every service stack: alarms on each rule, function, consumed
 * queue and dead-letter queue, all notifying the stage's operations topic; a dashboard; and
 * dead-letter queues that outlive their stack.
 */

const services = [
  ['ingest', ingestManifest],
  ['ledger', ledgerManifest],
  ['alerting', alertingManifest],
] as const satisfies readonly (readonly [string, ServiceManifest])[];

const OPS_TOPIC_ARN = {
  'Fn::Join': [
    '',
    [
      'arn:',
      { Ref: 'AWS::Partition' },
      ':sns:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':txnflow-test-ops',
    ],
  ],
};

const alarmsOf = (template: Template): Json[] =>
  resourcesOfType(template, 'AWS::CloudWatch::Alarm').map(([, alarm]) => propertiesOf(alarm));

const alarmOn = (template: Template, metricName: string, dimensions: Json[]): Json | undefined =>
  alarmsOf(template).find(
    (a) =>
      a.MetricName === metricName && JSON.stringify(a.Dimensions) === JSON.stringify(dimensions),
  );

/** The queues something dead-letters to: a queue's redrive policy, a rule target, a function. */
function deadLetterQueueIds(template: Template): string[] {
  const arns = [
    ...resourcesOfType(template, 'AWS::SQS::Queue').map(
      ([, q]) => (propertiesOf(q).RedrivePolicy as Json | undefined)?.deadLetterTargetArn,
    ),
    ...resourcesOfType(template, 'AWS::Events::Rule').flatMap(([, r]) =>
      (propertiesOf(r).Targets as Json[]).map((t) => (t.DeadLetterConfig as Json | undefined)?.Arn),
    ),
    ...resourcesOfType(template, 'AWS::Lambda::Function').map(
      ([, f]) => (propertiesOf(f).DeadLetterConfig as Json | undefined)?.TargetArn,
    ),
  ];
  const ids = arns
    .filter((arn): arn is { 'Fn::GetAtt': [string, string] } => arn !== undefined)
    .map((arn) => arn['Fn::GetAtt'][0]);
  return [...new Set(ids)].sort();
}

describe.each(services)('Operations: txnflow-<stage>-%s', (service, manifest) => {
  const template = templateOf('defaults', service);
  const resolved = resolveManifest(manifest);

  it('notifies the operations topic of the stage, found by name, from every alarm, firing and recovering', () => {
    const alarms = alarmsOf(template);

    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions, String(alarm.AlarmDescription)).toEqual([OPS_TOPIC_ARN]);
      expect(alarm.OKActions, String(alarm.AlarmDescription)).toEqual([OPS_TOPIC_ARN]);
    }
  });

  it("alarms on each rule's failed invocations and on events it could not dead-letter", () => {
    for (const subscription of resolved.subscriptions) {
      const [ruleId] = ruleNamed(template, subscription.rule);
      // EventBridge reports a custom bus's rules with the bus's name, the default bus's without.
      const dimensions = [
        ...(subscription.bus === 'txnflow'
          ? [{ Name: 'EventBusName', Value: 'txnflow-test' }]
          : []),
        { Name: 'RuleName', Value: { Ref: ruleId } },
      ];

      for (const metric of ['FailedInvocations', 'InvocationsFailedToBeSentToDlq']) {
        expect(
          alarmOn(template, metric, dimensions),
          `${subscription.rule} ${metric}`,
        ).toMatchObject({
          Namespace: 'AWS/Events',
          Statistic: 'Sum',
          Threshold: 0,
          ComparisonOperator: 'GreaterThanThreshold',
          TreatMissingData: 'notBreaching',
        });
      }
    }
  });

  it("alarms on each function's errors and throttles", () => {
    for (const handler of resolved.handlers) {
      const functionId = logicalId(
        template,
        'AWS::Lambda::Function',
        `${handler.name.charAt(0).toUpperCase()}${handler.name.slice(1)}Function`,
      );
      const dimensions = [{ Name: 'FunctionName', Value: { Ref: functionId } }];

      for (const metric of ['Errors', 'Throttles']) {
        expect(alarmOn(template, metric, dimensions), `${handler.name} ${metric}`).toMatchObject({
          Namespace: 'AWS/Lambda',
          Statistic: 'Sum',
          Threshold: 0,
        });
      }
    }
  });

  it('alarms when a message of a queue a handler consumes waits too long, and only then', () => {
    const ageAlarms = alarmsOf(template).filter(
      (a) => a.MetricName === 'ApproximateAgeOfOldestMessage',
    );
    const consumed = resolved.queues.filter((q) => q.consumer !== undefined);

    expect(ageAlarms).toHaveLength(consumed.length);
    for (const queue of consumed) {
      const queueId = logicalId(template, 'AWS::SQS::Queue', `${queue.name}Queue`);
      expect(
        alarmOn(template, 'ApproximateAgeOfOldestMessage', [
          { Name: 'QueueName', Value: getAtt(queueId, 'QueueName') },
        ]),
      ).toMatchObject({ Threshold: 900, Statistic: 'Maximum' });
    }
  });

  it('alarms on every dead-letter queue at its first message', () => {
    const ids = deadLetterQueueIds(template);

    expect(ids).toHaveLength(manifestDeadLetterQueues(resolved).length);
    for (const id of ids) {
      expect(
        alarmOn(template, 'ApproximateNumberOfMessagesVisible', [
          { Name: 'QueueName', Value: getAtt(id, 'QueueName') },
        ]),
        id,
      ).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
    }
  });

  it('keeps every dead-letter queue, and its messages, when the stack deletes or replaces it', () => {
    const resources = template.toJSON().Resources as Record<string, Json>;

    for (const id of deadLetterQueueIds(template)) {
      expect(resources[id], id).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
      });
    }
  });

  it('draws a dashboard of the service, named after the stage, showing every alarm', () => {
    const [[, dashboard]] = resourcesOfType(template, 'AWS::CloudWatch::Dashboard') as [
      [string, Json],
    ];
    const body = JSON.stringify(propertiesOf(dashboard).DashboardBody);

    expect(propertiesOf(dashboard).DashboardName).toBe(`txnflow-test-${service}`);
    for (const [alarmId] of resourcesOfType(template, 'AWS::CloudWatch::Alarm')) {
      expect(body).toContain(`"${alarmId}","Arn"`);
    }
  });
});
