import type { DynamoDbUsage } from './dynamodb-meter.ts';
import { costOf, type PriceName } from './prices.ts';
import type { PipelineRun } from './run-on-aws-adapters.ts';

/**
 * How a line's figure was obtained: `counted` from the calls the adapters made (DynamoDB's
 * own ConsumedCapacity, the mocked clients' calls); `counted+computed` where the meter added
 * what DynamoDB Local does not report; `modelled` for calls AWS makes for us (EventBridge
 * delivering to SQS, the event source mapping, SNS delivering the email); `estimated` for
 * Lambda duration measured here against DynamoDB Local.
 */
type Basis = 'counted' | 'counted+computed' | 'modelled' | 'estimated';

/** One priced line of the report. */
interface CostLine {
  readonly service: string;
  readonly resource: string;
  readonly what: string;
  readonly calls: number;
  readonly units: number;
  readonly unit: string;
  readonly usd: number;
  readonly basis: Basis;
}

/** Which service owns each DynamoDB table (the manifests' table names). */
type TableOwners = ReadonlyMap<string, string>;

function line(
  fields: Omit<CostLine, 'usd' | 'units' | 'unit'>,
  price: PriceName,
  units: number,
  unit: string,
): CostLine {
  return { ...fields, units, unit, usd: costOf(price, units) };
}

function dynamoDbLines(usage: readonly DynamoDbUsage[], owners: TableOwners): CostLine[] {
  return usage.flatMap((u) => {
    const fields = {
      service: owners.get(u.table) ?? 'unknown',
      resource: `DynamoDB ${u.table}`,
      what: u.failedCalls > 0 ? `${u.operation} (${u.failedCalls} failed)` : u.operation,
      calls: u.calls,
      basis: u.computedUnits > 0 ? ('counted+computed' as const) : ('counted' as const),
    };
    const lines: CostLine[] = [];
    if (u.writeUnits > 0 || u.readUnits === 0) {
      lines.push(line(fields, 'dynamoDbWriteRequestUnit', u.writeUnits, 'WRU'));
    }
    if (u.readUnits > 0) lines.push(line(fields, 'dynamoDbReadRequestUnit', u.readUnits, 'RRU'));
    return lines;
  });
}

const SOURCE_SERVICE: Readonly<Record<string, string>> = {
  'txnflow.ingest': 'ingest',
  'txnflow.ledger': 'ledger',
};

function messagingLines(run: PipelineRun): CostLine[] {
  const lines: CostLine[] = [];
  for (const [source, put] of run.aws.putEvents) {
    lines.push(
      line(
        {
          service: SOURCE_SERVICE[source] ?? source,
          resource: 'EventBridge bus txnflow',
          what: `PutEvents (${put.entries} entries)`,
          calls: put.calls,
          basis: 'counted',
        },
        'eventBridgeCustomEvent',
        put.chunks,
        'events',
      ),
    );
  }
  const archivedGb = run.archivedBytes / 1024 ** 3;
  lines.push(
    line(
      {
        service: 'bus',
        resource: 'EventBridge archive',
        what: 'events archived',
        calls: 0,
        basis: 'counted',
      },
      'eventBridgeArchiveProcessing',
      archivedGb,
      'GB',
    ),
  );
  for (const [queue, sends] of run.queues.ruleDeliveries) {
    const service = queue === 'LedgerTransactions' ? 'ledger' : 'alerting';
    lines.push(
      line(
        {
          service,
          resource: `SQS ${queue}`,
          what: 'SendMessage by its rule',
          calls: sends,
          basis: 'modelled',
        },
        'sqsRequest',
        sends,
        'requests',
      ),
    );
  }
  const mapping = run.queues.mappingReceives + run.queues.mappingDeletes;
  lines.push(
    line(
      {
        service: 'ledger',
        resource: 'SQS LedgerTransactions',
        what: 'ReceiveMessage + DeleteMessageBatch by the event source mapping',
        calls: mapping,
        basis: 'modelled',
      },
      'sqsRequest',
      mapping,
      'requests',
    ),
  );
  if (run.queues.chunkTasks > 0) {
    const sends = run.aws.sqs.batchChunks;
    lines.push(
      line(
        {
          service: 'ingest',
          resource: 'SQS IngestChunks',
          what: `SendMessageBatch (${run.aws.sqs.sendMessageBatch} calls) by ingest`,
          calls: run.aws.sqs.sendMessageBatch,
          basis: 'counted',
        },
        'sqsRequest',
        sends,
        'requests',
      ),
      // Batch size 1: one ReceiveMessage and one DeleteMessage per task.
      line(
        {
          service: 'ingest',
          resource: 'SQS IngestChunks',
          what: 'ReceiveMessage + DeleteMessage by the event source mapping',
          calls: 2 * run.queues.chunkTasks,
          basis: 'modelled',
        },
        'sqsRequest',
        2 * run.queues.chunkTasks,
        'requests',
      ),
    );
  }
  if (run.aws.sqs.sendMessage > 0) {
    lines.push(
      line(
        {
          service: 'ledger+alerting',
          resource: 'SQS dead-letter queues',
          what: 'SendMessage by the handlers',
          calls: run.aws.sqs.sendMessage,
          basis: 'counted',
        },
        'sqsRequest',
        run.aws.sqs.sendMessage,
        'requests',
      ),
    );
  }
  return lines;
}

function alertAndFileLines(run: PipelineRun): CostLine[] {
  const sns = run.aws.sns;
  return [
    line(
      {
        service: 'alerting',
        resource: 'SNS HighBalanceAlert',
        what: 'Publish',
        calls: sns.publish,
        basis: 'counted',
      },
      'snsPublish',
      sns.chunks,
      'publishes',
    ),
    line(
      {
        service: 'alerting',
        resource: 'SNS HighBalanceAlert',
        what: 'email delivered to the one subscription',
        calls: sns.publish,
        basis: 'modelled',
      },
      'snsEmailDelivery',
      sns.publish,
      'emails',
    ),
    line(
      {
        service: 'ingest',
        resource: 'S3 uploads bucket',
        what: 'GetObject (ranges of a chunked upload) + HeadObject',
        calls: run.aws.s3.getObject + run.aws.s3.headObject,
        basis: 'counted',
      },
      's3GetRequest',
      run.aws.s3.getObject + run.aws.s3.headObject,
      'requests',
    ),
    line(
      {
        service: 'ingest',
        resource: 'S3 uploads bucket',
        what: 'PutObject (the upload and the reports)',
        calls: run.aws.s3.putObject + 1,
        basis: 'counted',
      },
      's3PutRequest',
      run.aws.s3.putObject + 1,
      'requests',
    ),
  ];
}

function lambdaLines(run: PipelineRun): CostLine[] {
  return run.lambdas.flatMap((l) => {
    const [service = l.handler] = l.handler.split('.');
    const gbSeconds = (l.seconds * l.memoryMb) / 1024;
    return [
      line(
        {
          service,
          resource: `Lambda ${l.handler}`,
          what: 'invocations',
          calls: l.invocations,
          basis: 'counted',
        },
        'lambdaRequest',
        l.invocations,
        'requests',
      ),
      line(
        {
          service,
          resource: `Lambda ${l.handler}`,
          what: `duration at ${l.memoryMb} MB (${l.seconds.toFixed(1)} s here)`,
          calls: l.invocations,
          basis: 'estimated',
        },
        'lambdaArmGbSecond',
        gbSeconds,
        'GB-s',
      ),
    ];
  });
}

/**
 * Every priced line of a run: DynamoDB per table and operation, EventBridge per publisher
 * and the archive, SQS per queue, SNS, S3 and Lambda per function.
 *
 * @example const lines = costLines(run, meter.usage(), owners);
 */
function costLines(
  run: PipelineRun,
  usage: readonly DynamoDbUsage[],
  owners: TableOwners,
): CostLine[] {
  return [
    ...dynamoDbLines(usage, owners),
    ...messagingLines(run),
    ...alertAndFileLines(run),
    ...lambdaLines(run),
  ];
}

export type { Basis, CostLine, TableOwners };
export { costLines };
