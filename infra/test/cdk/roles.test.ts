import { describe, expect, it } from 'vitest';
import type { StackKey } from './template-variants.ts';
import { actionsOf, logicalId, statementsOfRole, templateOf } from './txnflow-templates.ts';

/**
 * Each function's role may do what the function's code calls and what Lambda itself does
 * with the role (write its logs and traces, put a failed asynchronous invocation in its
 * dead-letter queue, poll the queue it consumes), and nothing else.
 */

const LOGS_AND_TRACES = [
  'logs:CreateLogStream',
  'logs:PutLogEvents',
  'xray:PutTelemetryRecords',
  'xray:PutTraceSegments',
];
const QUEUE_POLLING = [
  'sqs:ChangeMessageVisibility',
  'sqs:DeleteMessage',
  'sqs:GetQueueAttributes',
  'sqs:GetQueueUrl',
  'sqs:ReceiveMessage',
];

const roles: readonly (readonly [StackKey, string, readonly string[]])[] = [
  [
    'ingest',
    'ObjectCreatedFunctionRole',
    [
      // Customer: UpdateItem; Transactions: PutItem; Uploads, UploadTasks: GetItem, UpdateItem.
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      // The cold start's check that the bus exists.
      'events:DescribeEventBus',
      'events:PutEvents',
      // The object version the event names (GetObject and HeadObject with a VersionId), and the reports.
      's3:GetObjectVersion',
      's3:PutObject',
      // Lambda's, for the asynchronous invocation's DLQ (the code's poison events go there
      // too); the chunk queue's tasks.
      'sqs:SendMessage',
    ],
  ],
  [
    'ingest',
    'ChunkTaskFunctionRole',
    [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'events:DescribeEventBus',
      'events:PutEvents',
      // Its work objects, read back by key; the file's versions; the reports and work objects.
      's3:GetObject',
      's3:GetObjectVersion',
      's3:PutObject',
      // The next phase's tasks, and the poison messages to the chunk queue's DLQ.
      'sqs:SendMessage',
      ...QUEUE_POLLING,
    ],
  ],
  [
    'ledger',
    'TransactionRecordedFunctionRole',
    [
      // TransactionTotal: BatchGetItem, GetItem, UpdateItem; LedgerEntries: BatchGetItem, PutItem, UpdateItem.
      'dynamodb:BatchGetItem',
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'events:DescribeEventBus',
      'events:PutEvents',
      'sqs:SendMessage',
      ...QUEUE_POLLING,
    ],
  ],
  [
    'alerting',
    'HighBalanceDetectedFunctionRole',
    [
      'dynamodb:GetItem',
      'dynamodb:PutItem',
      'dynamodb:UpdateItem',
      'sns:Publish',
      'sqs:SendMessage',
    ],
  ],
];

describe('Function roles: only the actions their code calls', () => {
  it.each(roles)('the %s role %s may take exactly its actions', (stack, role, actions) => {
    const template = templateOf('defaults', stack);
    const granted = statementsOfRole(template, logicalId(template, 'AWS::IAM::Role', role))
      .flatMap(actionsOf)
      .sort();

    expect([...new Set(granted)]).toEqual([...actions, ...LOGS_AND_TRACES].sort());
  });
});
