import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createEventPublisher } from '@txnflow/contracts';
import {
  assertEventBusExists,
  createEventBridgeTransport,
  LambdaEnv,
  readEnvironment,
  SqsDeadLetterSink,
  tableEnvName,
  toStructuredLog,
} from '@txnflow/contracts/aws';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoDbLedgerStore } from '../adapters/aws/dynamodb-ledger-store.ts';
import { readLedgerConfig } from '../config.ts';
import { makeTransactionRecordedHandler } from '../handlers/transaction-recorded.ts';

// Cold start: configuration read and validated once, clients built once and reused.
const [transactionTotal, ledgerEntries, eventBusName, deadLetterQueueUrl] = readEnvironment(
  process.env,
  [
    tableEnvName('TransactionTotal'),
    tableEnvName('LedgerEntries'),
    LambdaEnv.eventBusName,
    LambdaEnv.deadLetterQueueUrl,
  ],
);
const logger = new Logger();
const metrics = new Metrics();
const eventBridge = new EventBridgeClient({});
// PutEvents to a bus that does not exist succeeds and drops the event: fail the cold start
// instead, before this function takes any work it could only lose.
await assertEventBusExists(eventBridge, eventBusName);

const processBatch = makeTransactionRecordedHandler({
  store: new DynamoDbLedgerStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
    transactionTotal,
    ledgerEntries,
  }),
  publisher: createEventPublisher({
    transport: createEventBridgeTransport(eventBridge),
    eventBusName,
  }),
  deadLetters: new SqsDeadLetterSink(new SQSClient({}), deadLetterQueueUrl),
  config: readLedgerConfig(process.env),
  log: toStructuredLog(logger),
  // Concurrent invocations may hold batches of one customer: spread their retries out.
  backoff: (attempt) => sleep(Math.random() * Math.min(1_000, 20 * 2 ** attempt)),
});

/**
 * The ledger's Lambda entry: an SQS batch of TransactionRecorded, answered with the records
 * that failed (ReportBatchItemFailures), so only those are received again.
 *
 * @example aws lambda invoke --function-name <TransactionRecordedFunction> --payload file://sqs-batch.json out.json
 */
async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  metrics.captureColdStartMetric(context.functionName);
  try {
    const response = await processBatch(event);
    metrics.addMetric('RecordsReceived', MetricUnit.Count, event.Records.length);
    metrics.addMetric('RecordsFailed', MetricUnit.Count, response.batchItemFailures.length);
    return response;
  } finally {
    metrics.publishStoredMetrics();
  }
}

export { handler };
