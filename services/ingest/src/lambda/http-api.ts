import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  bucketEnvName,
  readEnvironment,
  tableEnvName,
  toStructuredLog,
} from '@txnflow/contracts/aws';
import { handle } from 'hono/aws-lambda';
import { DynamoDbIngestStore } from '../adapters/aws/dynamodb-ingest-store.ts';
import { S3UploadTarget } from '../adapters/aws/s3-upload-target.ts';
import { createIngestApi } from '../http/ingest-api.ts';

/**
 * The largest upload through the API: Lambda takes a request of at most 6 MB, and API
 * Gateway hands it a binary body base64-encoded (4/3 as large). Larger files go to the
 * bucket directly.
 */
const MAX_UPLOAD_BYTES = 4_000_000;

// Cold start: configuration read once, clients built once and reused.
const [customer, transactions, uploads, bucket] = readEnvironment(process.env, [
  tableEnvName('Customer'),
  tableEnvName('Transactions'),
  tableEnvName('Uploads'),
  bucketEnvName('Uploads'),
]);
const logger = new Logger();

const app = createIngestApi({
  queries: new DynamoDbIngestStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
    customer,
    transactions,
    uploads,
  }),
  uploads: new S3UploadTarget(new S3Client({}), bucket),
  maxUploadBytes: MAX_UPLOAD_BYTES,
  log: toStructuredLog(logger),
});

/**
 * Ingest's API behind an API Gateway HTTP API (payload format 2.0, IAM authorization).
 *
 * @example aws apigatewayv2 ... ; curl --aws-sigv4 "aws:amz:eu-west-1:execute-api" https://<api>/customers
 */
const handler = handle(app);

export { handler, MAX_UPLOAD_BYTES };
