import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { createEventPublisher } from '@txnflow/contracts';
import {
  createEventBridgeTransport,
  LambdaEnv,
  readEnvironment,
  tableEnvName,
  toStructuredLog,
} from '@txnflow/contracts/aws';
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { DynamoDbIngestStore } from '../adapters/aws/dynamodb-ingest-store.ts';
import { S3ObjectStore } from '../adapters/aws/s3-object-store.ts';
import type { IngestSummary } from '../domain/ingest-file.ts';
import { makeObjectCreatedHandler, type ObjectCreatedDetail } from '../handlers/object-created.ts';

// Cold start: configuration read and validated once, clients built once and reused.
const [customer, transactions, uploads, eventBusName] = readEnvironment(process.env, [
  tableEnvName('Customer'),
  tableEnvName('Transactions'),
  tableEnvName('Uploads'),
  LambdaEnv.eventBusName,
]);
const logger = new Logger();
const metrics = new Metrics();

const ingest = makeObjectCreatedHandler({
  objects: new S3ObjectStore(new S3Client({})),
  store: new DynamoDbIngestStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
    customer,
    transactions,
    uploads,
  }),
  publisher: createEventPublisher({
    transport: createEventBridgeTransport(new EventBridgeClient({})),
    eventBusName,
  }),
  log: toStructuredLog(logger),
});

/**
 * Ingest's Lambda entry: the upload rule invokes it (asynchronously) with S3's "Object
 * Created" event; a thrown error is retried by Lambda, then dead-lettered.
 *
 * @example aws lambda invoke --function-name <ObjectCreatedFunction> --payload file://object-created.json out.json
 */
async function handler(
  event: EventBridgeEvent<'Object Created', ObjectCreatedDetail>,
  context: Context,
): Promise<IngestSummary> {
  logger.addContext(context);
  metrics.captureColdStartMetric(context.functionName);
  try {
    const summary = await ingest(event);
    metrics.addMetric('RowsAccepted', MetricUnit.Count, summary.accepted);
    metrics.addMetric('RowsDuplicate', MetricUnit.Count, summary.duplicates);
    metrics.addMetric('RowsRejected', MetricUnit.Count, summary.rejected.length);
    return summary;
  } finally {
    metrics.publishStoredMetrics();
  }
}

export { handler };
