import { describe, expect, it } from 'vitest';
import { costLines } from '../../bench/cost/cost-lines.ts';
import { costOf } from '../../bench/cost/prices.ts';
import type { PipelineRun } from '../../bench/cost/run-on-aws-adapters.ts';

const run: PipelineRun = {
  accepted: 1_000,
  alerts: 2,
  archivedBytes: 1024 ** 3,
  aws: {
    s3: { getObject: 1, putObject: 2, headObject: 0 },
    putEvents: new Map([
      ['txnflow.ingest', { calls: 100, entries: 1_000, chunks: 1_000 }],
      ['txnflow.ledger', { calls: 2, entries: 2, chunks: 2 }],
    ]),
    sqs: { sendMessage: 0, sendMessageBatch: 0, batchChunks: 0 },
    sns: { publish: 2, chunks: 2 },
  },
  queues: {
    ruleDeliveries: new Map([
      ['LedgerTransactions', 1_000],
      ['CustomerNotify', 2],
    ]),
    mappingReceives: 100,
    mappingDeletes: 100,
    chunkTasks: 0,
  },
  chunks: 1,
  lambdas: [{ handler: 'ledger.transactionRecorded', memoryMb: 512, invocations: 10, seconds: 4 }],
};

describe('Function: costLines', () => {
  const lines = costLines(
    run,
    [
      {
        table: 'LedgerEntries',
        operation: 'PutItem',
        calls: 1_000,
        failedCalls: 0,
        readUnits: 0,
        writeUnits: 1_000,
        computedUnits: 0,
      },
    ],
    new Map([['LedgerEntries', 'ledger']]),
  );
  const find = (resource: string, what: string) =>
    lines.find((l) => l.resource === resource && l.what.startsWith(what));

  it('prices DynamoDB units per table and operation for the service owning the table', () => {
    expect(find('DynamoDB LedgerEntries', 'PutItem')).toMatchObject({
      service: 'ledger',
      units: 1_000,
      unit: 'WRU',
      usd: costOf('dynamoDbWriteRequestUnit', 1_000),
      basis: 'counted',
    });
  });

  it('prices events per publisher, the archive per GB, and the queue requests AWS makes for us', () => {
    expect(find('EventBridge bus txnflow', 'PutEvents (1000')).toMatchObject({
      service: 'ingest',
      usd: 0.001,
    });
    expect(find('EventBridge archive', 'events archived')).toMatchObject({ units: 1, usd: 0.1 });
    expect(find('SQS LedgerTransactions', 'SendMessage')).toMatchObject({
      service: 'ledger',
      units: 1_000,
      basis: 'modelled',
    });
    expect(find('SQS LedgerTransactions', 'ReceiveMessage')).toMatchObject({ units: 200 });
  });

  it('prices an email per SNS publish, and Lambda by invocations and measured GB-seconds', () => {
    expect(find('SNS HighBalanceAlert', 'email')).toMatchObject({ units: 2, usd: 0.00004 });
    expect(find('Lambda ledger.transactionRecorded', 'duration')).toMatchObject({
      units: 2,
      unit: 'GB-s',
      basis: 'estimated',
    });
  });
});
