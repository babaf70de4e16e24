import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient, type DynamoDBClientConfig } from '@aws-sdk/client-dynamodb';
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
import { DynamoDbIngestStore } from '../adapters/aws/dynamodb-ingest-store.ts';
import { DynamoDbUploadTasks } from '../adapters/aws/dynamodb-upload-tasks.ts';
import { S3ObjectStore } from '../adapters/aws/s3-object-store.ts';
import { SqsTaskQueue } from '../adapters/aws/sqs-task-queue.ts';
import { CHUNK_QUEUE } from '../manifest.ts';

/**
 * What both ingest functions build at cold start, from their environment: the adapters on
 * S3, DynamoDB, EventBridge and SQS, and Powertools' logger and metrics. Configuration is read
 * and validated once and the clients are reused by every invocation. It fails the cold start
 * when a variable is missing or the bus does not exist: PutEvents to a missing bus succeeds
 * and drops the event, so a function that could only lose its work takes none.
 *
 * @example const deps = await awsIngestDeps(process.env, {});
 * @throws {MissingEnvironmentError} naming every missing variable.
 * @throws {EventBusNotFoundError} naming the bus.
 */
async function awsIngestDeps(env: NodeJS.ProcessEnv, dynamoDb: DynamoDBClientConfig) {
  const [
    customer,
    transactions,
    uploads,
    uploadTasks,
    chunkQueueUrl,
    eventBusName,
    deadLetterQueueUrl,
  ] = readEnvironment(env, [
    tableEnvName('Customer'),
    tableEnvName('Transactions'),
    tableEnvName('Uploads'),
    tableEnvName('UploadTasks'),
    queueEnvName(CHUNK_QUEUE),
    LambdaEnv.eventBusName,
    LambdaEnv.deadLetterQueueUrl,
  ]);
  const logger = new Logger();
  const eventBridge = new EventBridgeClient({});
  await assertEventBusExists(eventBridge, eventBusName);
  const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient(dynamoDb));
  const sqs = new SQSClient({});
  return {
    logger,
    metrics: new Metrics(),
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
  };
}

export { awsIngestDeps };
