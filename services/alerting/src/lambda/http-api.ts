import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readEnvironment, tableEnvName, toStructuredLog } from '@txnflow/contracts/aws';
import { handle } from 'hono/aws-lambda';
import { DynamoDbAlertStore } from '../adapters/aws/dynamodb-alert-store.ts';
import { createAlertingApi } from '../http/alerting-api.ts';

// Cold start: configuration read once, clients built once and reused.
const [alerts] = readEnvironment(process.env, [tableEnvName('Alerts')]);
const logger = new Logger();

const app = createAlertingApi({
  queries: new DynamoDbAlertStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), alerts),
  log: toStructuredLog(logger),
});

/**
 * Alerting's API behind an API Gateway HTTP API (payload format 2.0, IAM authorization).
 *
 * @example curl --aws-sigv4 "aws:amz:eu-west-1:execute-api" https://<api>/alerts
 */
const handler = handle(app);

export { handler };
