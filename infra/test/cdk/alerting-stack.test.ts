import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  getAtt,
  logicalId,
  onlyTargetOf,
  resourcesOfType,
  ruleNamed,
  statementsOfRole,
  templateOf,
} from './txnflow-templates.ts';

const ORIGINAL_HIGH_BALANCE = {
  source: ['txnflow.ledger'],
  'detail-type': ['HighBalanceDetected'],
  'replay-name': [{ exists: false }],
  detail: { metadata: { replayName: [{ exists: false }] } },
};

describe('Stack: txnflow-<stage>-alerting', () => {
  const template = templateOf('configured', 'alerting');
  const withoutEmail = templateOf('defaults', 'alerting');

  const queueId = (name: string) => logicalId(template, 'AWS::SQS::Queue', `${name}Queue`);
  const dlqId = (prefix: string) => logicalId(template, 'AWS::SQS::Queue', prefix);

  describe('Rules', () => {
    it.each([
      'HighBalanceToAlerting',
      'HighBalanceToCustomerNotify',
      'HighBalanceToCreditCollection',
    ])('%s takes original HighBalanceDetected on the txnflow bus, never a replay', (name) => {
      const [, rule] = ruleNamed(template, name);

      expect(rule.EventBusName).toBe('txnflow-test');
      expect(rule.EventPattern).toEqual(ORIGINAL_HIGH_BALANCE);
    });

    it('invokes the function with a retry policy and a DLQ, the one its async failures go to', () => {
      const [, rule] = ruleNamed(template, 'HighBalanceToAlerting');
      const dlq = dlqId('HighBalanceToAlertingDLQ');

      expect(onlyTargetOf(rule)).toMatchObject({
        Arn: getAtt(logicalId(template, 'AWS::Lambda::Function', 'HighBalanceDetectedFunction')),
        DeadLetterConfig: { Arn: getAtt(dlq) },
        RetryPolicy: { MaximumRetryAttempts: 8 },
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        DeadLetterConfig: { TargetArn: getAtt(dlq) },
        Environment: { Variables: Match.objectLike({ DEAD_LETTER_QUEUE_URL: { Ref: dlq } }) },
      });
    });

    it.each([
      ['HighBalanceToCustomerNotify', 'CustomerNotify'],
      ['HighBalanceToCreditCollection', 'CreditCollection'],
    ])('%s delivers to queue %s with a retry policy and a DLQ', (ruleName, queue) => {
      const [, rule] = ruleNamed(template, ruleName);

      expect(onlyTargetOf(rule)).toMatchObject({
        Arn: getAtt(queueId(queue)),
        DeadLetterConfig: { Arn: getAtt(dlqId(`${ruleName}DLQ`)) },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
      });
    });
  });

  describe('Queues', () => {
    it.each(['CustomerNotify', 'CreditCollection'])(
      '%s has its own DLQ, is encrypted and TLS only',
      (queue) => {
        template.hasResourceProperties('AWS::SQS::Queue', {
          SqsManagedSseEnabled: true,
          RedrivePolicy: {
            deadLetterTargetArn: getAtt(dlqId(`${queue}DeadLetters`)),
            maxReceiveCount: 5,
          },
        });
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queueId(queue) }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Deny',
                Condition: { Bool: { 'aws:SecureTransport': 'false' } },
              }),
            ]),
          },
        });
      },
    );

    it('alarms on each of the five dead-letter queues', () => {
      const alarmed = resourcesOfType(template, 'AWS::CloudWatch::Alarm')
        .map(([, alarm]) => alarm.Properties as Record<string, unknown>)
        .filter((alarm) => alarm.MetricName === 'ApproximateNumberOfMessagesVisible')
        .map(
          (alarm) =>
            (alarm.Dimensions as { Value: { 'Fn::GetAtt': string[] } }[])[0]?.Value[
              'Fn::GetAtt'
            ][0],
        );

      expect(alarmed.sort()).toEqual(
        [
          dlqId('CustomerNotifyDeadLetters'),
          dlqId('CreditCollectionDeadLetters'),
          dlqId('HighBalanceToAlertingDLQ'),
          dlqId('HighBalanceToCustomerNotifyDLQ'),
          dlqId('HighBalanceToCreditCollectionDLQ'),
        ].sort(),
      );
    });
  });

  describe('Topic: HighBalanceAlert', () => {
    it('is encrypted with the SNS managed key and subscribes the alert email from context', () => {
      template.hasResourceProperties('AWS::SNS::Topic', {
        KmsMasterKeyId: Match.objectLike({
          'Fn::Join': Match.arrayWith([Match.arrayWith([':alias/aws/sns'])]),
        }),
      });
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'email',
        Endpoint: 'credit@example.com',
      });
    });

    it('asks for the address as a parameter when the context has none', () => {
      withoutEmail.hasParameter('AlertEmail', { Type: 'String' });
      withoutEmail.hasResourceProperties('AWS::SNS::Subscription', {
        Endpoint: { Ref: 'AlertEmail' },
      });
    });

    it('lets only the function publish, on that topic', () => {
      const topic = logicalId(template, 'AWS::SNS::Topic', 'HighBalanceAlert');
      const role = logicalId(template, 'AWS::IAM::Role', 'HighBalanceDetectedFunctionRole');

      expect(statementsOfRole(template, role)).toContainEqual({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: { Ref: topic },
      });
    });
  });

  describe('Function: highBalanceDetected', () => {
    it('publishes no events (alerting publishes nothing), so it has no PutEvents grant', () => {
      const role = logicalId(template, 'AWS::IAM::Role', 'HighBalanceDetectedFunctionRole');

      expect(
        statementsOfRole(template, role).filter((s) => s.Action === 'events:PutEvents'),
      ).toEqual([]);
    });
  });
});
