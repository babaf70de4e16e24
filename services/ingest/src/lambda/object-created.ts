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
import type { Context } from 'aws-lambda';
import { DynamoDbIngestStore } from '../adapters/aws/dynamodb-ingest-store.ts';
import { DynamoDbUploadTasks } from '../adapters/aws/dynamodb-upload-tasks.ts';
import { S3ObjectStore } from '../adapters/aws/s3-object-store.ts';
import { SqsTaskQueue } from '../adapters/aws/sqs-task-queue.ts';
import { readIngestConfig } from '../config.ts';
import { makeObjectCreatedHandler, type ObjectCreatedOutcome } from '../handlers/object-created.ts';
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
const { chunkBytes } = readIngestConfig(process.env);
const logger = new Logger();
const metrics = new Metrics();
const eventBridge = new EventBridgeClient({});
// PutEvents to a bus that does not exist succeeds and drops the event: fail the cold start
// instead, before this function takes any work it could only lose.
await assertEventBusExists(eventBridge, eventBusName);

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({}));
const sqs = new SQSClient({});

const ingest = makeObjectCreatedHandler({
  objects: new S3ObjectStore(new S3Client({})),
  store: new DynamoDbIngestStore(documentClient, { customer, transactions, uploads }),
  publisher: createEventPublisher({
    transport: createEventBridgeTransport(eventBridge),
    eventBusName,
  }),
  deadLetters: new SqsDeadLetterSink(sqs, deadLetterQueueUrl),
  log: toStructuredLog(logger),
  chunking: {
    tasks: new DynamoDbUploadTasks(documentClient, uploadTasks),
    queue: new SqsTaskQueue(sqs, chunkQueueUrl),
    chunkBytes,
  },
});

/**
 * Ingest's Lambda entry: the upload rule invokes it (asynchronously) with S3's "Object
 * Created" event. An invalid event is dead-lettered at once with its reason; a large file's
 * chunks are queued for the chunk task function; a thrown error is retried by Lambda, then
 * dead-lettered.
 *
 * @example aws lambda invoke --function-name <ObjectCreatedFunction> --payload file://object-created.json out.json
 */
async function handler(event: unknown, context: Context): Promise<ObjectCreatedOutcome> {
  logger.addContext(context);
  metrics.captureColdStartMetric(context.functionName);
  try {
    const outcome = await ingest(event);
    if (outcome.kind === 'dead-lettered') {
      metrics.addMetric('EventsDeadLettered', MetricUnit.Count, 1);
      return outcome;
    }
    if (outcome.kind === 'chunked') {
      metrics.addMetric('FilesChunked', MetricUnit.Count, 1);
      return outcome;
    }
    const { summary } = outcome;
    metrics.addMetric('RowsAccepted', MetricUnit.Count, summary.accepted);
    metrics.addMetric('RowsDuplicate', MetricUnit.Count, summary.duplicates);
    metrics.addMetric('RowsRejected', MetricUnit.Count, summary.rejected.length);
    return outcome;
  } finally {
    metrics.publishStoredMetrics();
  }
}

export { handler };
