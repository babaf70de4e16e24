import { Logger } from '@aws-lambda-powertools/logger';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { readEnvironment, tableEnvName, toStructuredLog } from '@txnflow/contracts/aws';
import { handle } from 'hono/aws-lambda';
import { DynamoDbLedgerStore } from '../adapters/aws/dynamodb-ledger-store.ts';
import { createLedgerApi } from '../http/ledger-api.ts';

// Cold start: configuration read once, clients built once and reused.
const [transactionTotal, ledgerEntries] = readEnvironment(process.env, [
  tableEnvName('TransactionTotal'),
  tableEnvName('LedgerEntries'),
]);
const logger = new Logger();

const app = createLedgerApi({
  queries: new DynamoDbLedgerStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), {
    transactionTotal,
    ledgerEntries,
  }),
  log: toStructuredLog(logger),
});

/**
 * The ledger's API behind an API Gateway HTTP API (payload format 2.0, IAM authorization).
 *
 * @example curl --aws-sigv4 "aws:amz:eu-west-1:execute-api" https://<api>/balances/C2
 */
const handler = handle(app);

export { handler };
