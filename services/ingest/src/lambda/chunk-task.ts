import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createEventPublisher } from '@txnflow/contracts';
import {
  assertEventBusExists,
  createEventBridgeTransport,
  LambdaEnv,
  queueEnvName,
  readEnvironment,
  SqsDeadLetterSink,
  tableEnvName,
  toStructuredLog,
} from '@txnflow/contracts/aws';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { DynamoDbIngestStore } from '../adapters/aws/dynamodb-ingest-store.ts';
import { DynamoDbUploadTasks } from '../adapters/aws/dynamodb-upload-tasks.ts';
import { S3ObjectStore } from '../adapters/aws/s3-object-store.ts';
import { SqsTaskQueue } from '../adapters/aws/sqs-task-queue.ts';
import { makeChunkTaskHandler } from '../handlers/chunk-task.ts';
import { CHUNK_QUEUE } from '../manifest.ts';

// Cold start: configuration read and validated once, clients built once and reused.
const [
  customer,
  transactions,
  uploads,
  uploadTasks,
  chunkQueueUrl,
  eventBusName,
  deadLetterQueueUrl,
] = readEnvironment(process.env, [
  tableEnvName('Customer'),
  tableEnvName('Transactions'),
  tableEnvName('Uploads'),
  tableEnvName('UploadTasks'),
  queueEnvName(CHUNK_QUEUE),
  LambdaEnv.eventBusName,
  LambdaEnv.deadLetterQueueUrl,
]);
const logger = new Logger();
const metrics = new Metrics();
const eventBridge = new EventBridgeClient({});
// PutEvents to a bus that does not exist succeeds and drops the event: fail the cold start
// instead, before this function takes any work it could only lose.
await assertEventBusExists(eventBridge, eventBusName);
// Up to 50 chunks write at once: a table still scaling up throttles them. Adaptive retries
// slow this client down instead of failing the task (which SQS would only retry after the
// queue's visibility timeout).
const documentClient = DynamoDBDocumentClient.from(
  new DynamoDBClient({ retryMode: 'adaptive', maxAttempts: 10 }),
);
const sqs = new SQSClient({});

const runTasks = makeChunkTaskHandler({
  objects: new S3ObjectStore(new S3Client({})),
  store: new DynamoDbIngestStore(documentClient, { customer, transactions, uploads }),
  publisher: createEventPublisher({
    transport: createEventBridgeTransport(eventBridge),
    eventBusName,
  }),
  tasks: new DynamoDbUploadTasks(documentClient, uploadTasks),
  queue: new SqsTaskQueue(sqs, chunkQueueUrl),
  deadLetters: new SqsDeadLetterSink(sqs, deadLetterQueueUrl),
  log: toStructuredLog(logger),
});

/**
 * The chunk task function's Lambda entry: an SQS batch of a chunked upload's tasks (one per
 * batch, as the manifest sets it), answered with the ones that failed
 * (ReportBatchItemFailures), so only those are received again.
 *
 * @example aws lambda invoke --function-name <ChunkTaskFunction> --payload file://sqs-batch.json out.json
 */
async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  metrics.captureColdStartMetric(context.functionName);
  try {
    const response = await runTasks(event);
    metrics.addMetric('TasksReceived', MetricUnit.Count, event.Records.length);
    metrics.addMetric('TasksFailed', MetricUnit.Count, response.batchItemFailures.length);
    return response;
  } finally {
    metrics.publishStoredMetrics();
  }
}

export { handler };
