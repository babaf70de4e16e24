import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CloudFormationClient,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import {
  CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeArchiveCommand,
  EventBridgeClient,
  ListReplaysCommand,
} from '@aws-sdk/client-eventbridge';
import { type Message, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { traceOnStage } from '../../aws/trace/aws-trace.ts';
import { InsightsQueryError } from '../../aws/trace/insights.ts';
import { discoverStage, StageNotDeployedError } from '../../aws/trace/stage-resources.ts';
import { LocalTxnflow } from '../../local-app/local-txnflow.ts';
import { localServices } from '../../local-app/services.ts';
import { deadLetterQueuesOf } from '../../local-app/wire.ts';
import { UnknownTraceIdError } from '../../trace/errors.ts';
import { type Trace, type TraceNode, walk } from '../../trace/model.ts';
import { templateOf } from '../cdk/txnflow-templates.ts';
import {
  answerQuery,
  dlqMessageOf,
  type ServiceLine,
  stackResourcesOf,
} from './support/recorded-stage.ts';

/**
 * Every line the services log in the local run, as CloudWatch would keep it: the local trace
 * facts keep only the lines a local trace reads, so the lines are taken where the services
 * write them, on their way to the facts.
 */
const written = vi.hoisted(
  () =>
    [] as {
      at: Date;
      service: string;
      level: 'info' | 'warn' | 'error';
      message: string;
      fields: Record<string, unknown>;
    }[],
);

vi.mock('../../local-app/recorded-log.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../local-app/recorded-log.ts')>();
  return {
    ...actual,
    recordedLog: (...[runtime, service, next]: Parameters<typeof actual.recordedLog>) => {
      const line =
        (level: 'info' | 'warn' | 'error') =>
        (message: string, fields?: Record<string, unknown>) => {
          written.push({ at: new Date(), service, level, message, fields: fields ?? {} });
          next[level](message, fields);
        };
      return actual.recordedLog(runtime, service, {
        info: line('info'),
        warn: line('warn'),
        error: line('error'),
      });
    },
  };
});

const SAMPLE = new URL('../../../sample-data/transactions.txt', import.meta.url).pathname;
const STAGE = 'test';
const SERVICES = ['ingest', 'ledger', 'alerting'] as const;
const ARCHIVE_ARN = 'arn:aws:events:eu-west-1:123456789012:archive/txnflow-test-archive';

const cloudFormation = mockClient(CloudFormationClient);
const logs = mockClient(CloudWatchLogsClient);
const sqs = mockClient(SQSClient);
const eventBridge = mockClient(EventBridgeClient);

const clients = () => ({
  logs: new CloudWatchLogsClient({ region: 'eu-west-1' }),
  sqs: new SQSClient({ region: 'eu-west-1' }),
  eventBridge: new EventBridgeClient({ region: 'eu-west-1' }),
  cloudFormation: new CloudFormationClient({ region: 'eu-west-1' }),
});

const nodes = (trace: Trace, kind: TraceNode['kind']) =>
  [...walk(trace.roots)].map((w) => w.node).filter((n) => n.kind === kind);

/**
 * What a stage that ran the sample file under faults holds: the log lines the services wrote
 * (taken from a local run of the same code, in Powertools' shape), and the one transaction
 * the ledger dead-lettered, still in LedgerTransactionsDLQ.
 */
interface RecordedRun {
  readonly lines: ServiceLine[];
  readonly deadLetter: { readonly body: string; readonly error: string; readonly id: string };
  readonly alertId: string;
}

async function recordRun(resources: Map<string, StackResourceSummary[]>): Promise<RecordedRun> {
  written.length = 0;
  const dir = await mkdtemp(join(tmpdir(), 'txnflow-aws-trace-'));
  const txnflow = LocalTxnflow.open({
    stateDir: dir,
    env: { TXNFLOW_FAULTS: 'duplicate=0.3,fail=0.5,seed=2' },
  });
  try {
    await txnflow.ingestFiles([SAMPLE]);
    const logGroupOf = (service: string) =>
      resources
        .get(service)
        ?.find(
          (r) =>
            r.ResourceType === 'AWS::Logs::LogGroup' &&
            /FunctionLogs/.test(r.LogicalResourceId ?? ''),
        )?.PhysicalResourceId ?? '';
    const lines = written.map((line) => ({ ...line, logGroup: logGroupOf(line.service) }));
    const [dead] = txnflow.queue('LedgerTransactionsDLQ');
    if (!dead) throw new Error('the seed should dead-letter a transaction');
    const data = JSON.parse(dead.body).detail.data;
    const [alert] = await txnflow.alerts();
    return {
      lines,
      deadLetter: {
        body: dead.body,
        error: dead.errorMessage ?? '',
        id: `${data.customerId}/${data.transactionId}`,
      },
      alertId: alert?.alertId ?? '',
    };
  } finally {
    txnflow.close();
    await rm(dir, { recursive: true, force: true });
  }
}

describe('Function: traceOnStage (txnflow trace --aws)', () => {
  const resources = new Map<string, StackResourceSummary[]>();
  let run: RecordedRun;
  let queries: string[];

  beforeAll(async () => {
    for (const service of SERVICES) {
      resources.set(
        service,
        stackResourcesOf(templateOf('defaults', service), `txnflow-${STAGE}-${service}`),
      );
    }
    run = await recordRun(resources);
  }, 120_000);

  afterAll(() => {
    for (const mock of [cloudFormation, logs, sqs, eventBridge]) mock.restore();
  });

  beforeEach(() => {
    for (const mock of [cloudFormation, logs, sqs, eventBridge]) mock.reset();
    queries = [];
    cloudFormation.on(ListStackResourcesCommand).callsFake((input: { StackName: string }) => {
      const service = input.StackName.replace(`txnflow-${STAGE}-`, '');
      return { StackResourceSummaries: resources.get(service) ?? [] };
    });
    const pending = new Map<string, string>();
    logs.on(StartQueryCommand).callsFake((input: { queryString: string }) => {
      const queryId = `query-${pending.size + 1}`;
      pending.set(queryId, input.queryString);
      queries.push(input.queryString);
      return { queryId };
    });
    const polled = new Set<string>();
    logs.on(GetQueryResultsCommand).callsFake((input: { queryId: string }) => {
      // The first poll finds the query running, as Logs Insights usually does.
      if (!polled.has(input.queryId)) {
        polled.add(input.queryId);
        return { status: 'Running', results: [] };
      }
      const results = answerQuery(pending.get(input.queryId) ?? '', run.lines);
      return {
        status: 'Complete',
        results,
        statistics: {
          recordsMatched: results.length,
          recordsScanned: run.lines.length,
          bytesScanned: 4096,
        },
      };
    });
    const ledgerDlq = resources
      .get('ledger')
      ?.find((r) =>
        r.LogicalResourceId?.startsWith('LedgerTransactionsDeadLettersQueue'),
      )?.PhysicalResourceId;
    sqs.on(ReceiveMessageCommand).callsFake((input: { QueueUrl: string }) => {
      const messages: Message[] =
        input.QueueUrl === ledgerDlq
          ? [
              dlqMessageOf(
                run.deadLetter.body,
                run.deadLetter.error,
                new Date('2026-11-24T09:16:00Z'),
              ),
            ]
          : [];
      return messages.length > 0 ? { Messages: messages } : {};
    });
    eventBridge.on(DescribeArchiveCommand).resolves({
      ArchiveArn: ARCHIVE_ARN,
      ArchiveName: 'txnflow-test-archive',
      EventSourceArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/txnflow-test',
      State: 'ENABLED',
      EventCount: 27,
    });
    eventBridge.on(ListReplaysCommand).resolves({ Replays: [] });
  });

  const trace = (id: string) =>
    traceOnStage({
      stage: STAGE,
      id,
      clients: clients(),
      now: () => new Date(),
      sleep: async () => {},
    });

  it("finds every service's log group and every dead-letter queue in the stacks the CDK app synthesizes", async () => {
    // Act
    const found = await discoverStage(
      new CloudFormationClient({}),
      STAGE,
      localServices.map((s) => s.manifest),
    );

    // Assess
    // Ingest has two functions: the object-created one and the chunk queue's.
    expect(found.logGroups.map((g) => g.service).sort()).toEqual([
      'alerting',
      'ingest',
      'ingest',
      'ledger',
    ]);
    expect(found.deadLetterQueues.map((q) => q.name).sort()).toEqual(
      deadLetterQueuesOf(localServices).sort(),
    );
  });

  it("traces an alert from the upload to its email, through the ledger's entry, from the services' logs", async () => {
    // Act
    const result = await trace(run.alertId);

    // Assess
    expect(result).toMatchObject({ id: run.alertId, kind: 'alert', from: 'aws', failures: [] });
    expect(nodes(result, 'upload')).toEqual([
      expect.objectContaining({ key: 'incoming/transactions.txt' }),
    ]);
    expect(nodes(result, 'ingest-run')).toEqual([
      expect.objectContaining({ accepted: 24, rejectedCount: 0 }),
    ]);
    const [customerId, transactionId] = run.alertId.split(':');
    expect(nodes(result, 'ledger-entry')).toEqual([
      expect.objectContaining({
        customerId,
        transactionId,
        outcome: 'applied',
        after: expect.stringMatching(/^\d+\.\d\d$/),
      }),
    ]);
    expect(nodes(result, 'alert')).toEqual([
      expect.objectContaining({ alertId: run.alertId, emailed: true }),
    ]);
    expect(nodes(result, 'email')).toEqual([
      expect.objectContaining({ messageId: expect.any(String) }),
    ]);
    expect(queries).toHaveLength(2);
    expect(queries[0]).toContain(`alertId = "${run.alertId}"`);
  });

  it('ends the trace of a dead-lettered transaction at its dead letter, with the error and the SQS redrive command', async () => {
    // Act
    const result = await trace(run.deadLetter.id);

    // Assess
    expect(result.kind).toBe('event');
    expect(result.failures).toEqual([
      {
        what: expect.stringContaining('in LedgerTransactionsDLQ'),
        error: run.deadLetter.error,
        retry: expect.stringMatching(
          /^aws sqs start-message-move-task --source-arn arn:aws:sqs:eu-west-1:123456789012:txnflow-test-ledger-LedgerTransactionsDeadLettersQueue/,
        ),
      },
    ]);
    expect(nodes(result, 'dead-letter')).toEqual([
      expect.objectContaining({ queue: 'LedgerTransactionsDLQ', stillThere: true }),
    ]);
  });

  it('says an id that no log line and no dead letter names is unknown, with the kinds of id it takes', async () => {
    // Act
    const error = await trace('C9/T0000').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(UnknownTraceIdError);
    expect((error as Error).message).toContain(
      'nothing in the logs of stage test (the last 30 days) or its dead-letter queues has the id "C9/T0000"',
    );
  });

  it('says which stack is missing when the stage is not deployed', async () => {
    // Prepare
    cloudFormation.on(ListStackResourcesCommand).rejects(
      Object.assign(new Error('Stack with id txnflow-test-ingest does not exist'), {
        name: 'ValidationError',
      }),
    );

    // Act
    const error = await trace('C2/T2011').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(StageNotDeployedError);
    expect(error).toMatchObject({ stackName: 'txnflow-test-ingest' });
  });

  it('fails with the query and its status when Logs Insights does not complete it', async () => {
    // Prepare
    logs.on(GetQueryResultsCommand).resolves({ status: 'Failed', results: [] });

    // Act
    const error = await trace('C2/T2011').catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InsightsQueryError);
    expect(error).toMatchObject({ status: 'Failed' });
  });
});
