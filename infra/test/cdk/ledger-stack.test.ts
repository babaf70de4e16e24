import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  getAtt,
  logicalId,
  onlyTargetOf,
  ruleNamed,
  statementsOfRole,
  templateOf,
} from './txnflow-templates.ts';

describe('Stack: txnflow-<stage>-ledger', () => {
  const template = templateOf('configured', 'ledger');

  const queueId = () => logicalId(template, 'AWS::SQS::Queue', 'LedgerTransactionsQueue');
  const queueDlqId = () =>
    logicalId(template, 'AWS::SQS::Queue', 'LedgerTransactionsDeadLettersQueue');
  const ruleDlqId = () => logicalId(template, 'AWS::SQS::Queue', 'TransactionRecordedToLedgerDLQ');
  const roleId = () => logicalId(template, 'AWS::IAM::Role', 'TransactionRecordedFunctionRole');

  describe('Tables', () => {
    it('keeps TransactionTotal and LedgerEntries on demand, with PITR, deletion protection and retention', () => {
      const tables = template.findResources('AWS::DynamoDB::Table');
      const keys = Object.values(tables).map((t) => t.Properties.KeySchema);

      expect(keys).toEqual([
        [{ AttributeName: 'customerId', KeyType: 'HASH' }],
        [
          { AttributeName: 'customerId', KeyType: 'HASH' },
          { AttributeName: 'transactionId', KeyType: 'RANGE' },
        ],
      ]);
      for (const table of Object.values(tables)) {
        expect(table).toMatchObject({
          DeletionPolicy: 'Retain',
          UpdateReplacePolicy: 'Retain',
          Properties: {
            BillingMode: 'PAY_PER_REQUEST',
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
            SSESpecification: { SSEEnabled: true },
          },
        });
        expect(table.Properties.TableName).toBeUndefined();
      }
    });
  });

  describe('Rule: TransactionRecordedToLedger', () => {
    it('takes every TransactionRecorded from ingest on the txnflow bus of the stage, replays included', () => {
      const [, rule] = ruleNamed(template, 'TransactionRecordedToLedger');

      expect(rule.EventBusName).toBe('txnflow-test');
      expect(rule.EventPattern).toEqual({
        source: ['txnflow.ingest'],
        'detail-type': ['TransactionRecorded'],
      });
    });

    it('delivers to the ledger queue with a retry policy and its own dead-letter queue', () => {
      const [, rule] = ruleNamed(template, 'TransactionRecordedToLedger');

      expect(onlyTargetOf(rule)).toMatchObject({
        Arn: getAtt(queueId()),
        DeadLetterConfig: { Arn: getAtt(ruleDlqId()) },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
      });
    });

    it('lets only this rule send to the queue and its DLQ, through the queue policies', () => {
      const [ruleId] = ruleNamed(template, 'TransactionRecordedToLedger');

      for (const queue of [queueId(), ruleDlqId()]) {
        template.hasResourceProperties('AWS::SQS::QueuePolicy', {
          Queues: [{ Ref: queue }],
          PolicyDocument: {
            Statement: Match.arrayWith([
              Match.objectLike({
                Effect: 'Allow',
                Principal: { Service: 'events.amazonaws.com' },
                Condition: { ArnEquals: { 'aws:SourceArn': getAtt(ruleId) } },
              }),
            ]),
          },
        });
      }
    });
  });

  describe('Queue: LedgerTransactions', () => {
    it('moves a message to its DLQ after 5 receives, and is encrypted', () => {
      template.hasResourceProperties('AWS::SQS::Queue', {
        VisibilityTimeout: 360,
        SqsManagedSseEnabled: true,
        RedrivePolicy: { deadLetterTargetArn: getAtt(queueDlqId()), maxReceiveCount: 5 },
      });
    });

    it('is consumed in batches of 100 (a 1 s batching window, as SQS requires over 10) with partial batch failures', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: getAtt(queueId()),
        BatchSize: 100,
        MaximumBatchingWindowInSeconds: 1,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });
  });

  describe('Function: transactionRecorded', () => {
    it('runs the bundled ESM entry on Node.js 24, arm64, traced, with its configuration', () => {
      template.hasResourceProperties('AWS::Lambda::Function', {
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        Timeout: 60,
        TracingConfig: { Mode: 'Active' },
        Environment: {
          Variables: {
            POWERTOOLS_SERVICE_NAME: 'ledger',
            HIGH_BALANCE_THRESHOLD: '2000.00',
            EVENT_BUS_NAME: 'txnflow-test',
            DEAD_LETTER_QUEUE_URL: { Ref: queueDlqId() },
            TRANSACTION_TOTAL_TABLE_NAME: {
              Ref: logicalId(template, 'AWS::DynamoDB::Table', 'TablesTransactionTotal'),
            },
            LEDGER_ENTRIES_TABLE_NAME: {
              Ref: logicalId(template, 'AWS::DynamoDB::Table', 'TablesLedgerEntries'),
            },
          },
        },
      });
    });

    it('may publish on the txnflow bus only as txnflow.ledger', () => {
      const publish = statementsOfRole(template, roleId()).filter((s) =>
        actionsOf(s).includes('events:PutEvents'),
      );

      expect(publish).toHaveLength(1);
      expect(publish[0]).toMatchObject({
        Effect: 'Allow',
        Action: 'events:PutEvents',
        Condition: { StringEquals: { 'events:source': 'txnflow.ledger' } },
      });
      expect(JSON.stringify(publish[0]?.Resource)).toContain(':event-bus/txnflow-test');
    });

    it('reads and writes items of exactly its two tables, and deletes nothing', () => {
      const tableStatements = statementsOfRole(template, roleId()).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('dynamodb:')),
      );

      // The tables themselves, not their indexes: no item action reads an index.
      expect(tableStatements.map((s) => s.Resource)).toEqual([
        getAtt(logicalId(template, 'AWS::DynamoDB::Table', 'TablesTransactionTotal')),
        getAtt(logicalId(template, 'AWS::DynamoDB::Table', 'TablesLedgerEntries')),
      ]);
      expect(tableStatements.map((statement) => actionsOf(statement).sort())).toEqual([
        ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:UpdateItem'],
        ['dynamodb:BatchGetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'],
      ]);
    });

    it('may only send poison events to the queue DLQ (the sink reads nothing about it) and write only to its own log group', () => {
      const statements = statementsOfRole(template, roleId());

      expect(statements).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Action: 'sqs:SendMessage',
            Resource: getAtt(queueDlqId()),
          }),
          expect.objectContaining({
            Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            Resource: getAtt(logicalId(template, 'AWS::Logs::LogGroup', 'TransactionRecorded')),
          }),
        ]),
      );
      expect(statements.filter((s) => s.Resource === '*').flatMap(actionsOf)).toEqual([
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
      ]);
    });

    it('is tagged as the ledger service and under its path, both of which the bus policy trusts', () => {
      template.hasResourceProperties('AWS::IAM::Role', {
        Path: '/txnflow/test/ledger/',
        Tags: Match.arrayWith([{ Key: 'txnflow-service', Value: 'ledger' }]),
      });
      template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    });
  });

  describe('Alarms', () => {
    it('alarms on every dead-letter queue as soon as one message is visible', () => {
      for (const dlq of [queueDlqId(), ruleDlqId()]) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          MetricName: 'ApproximateNumberOfMessagesVisible',
          Namespace: 'AWS/SQS',
          Dimensions: [{ Name: 'QueueName', Value: getAtt(dlq, 'QueueName') }],
          ComparisonOperator: 'GreaterThanThreshold',
          Threshold: 0,
        });
      }
    });
  });
});
