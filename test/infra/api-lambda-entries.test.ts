import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient, GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

/**
 * The APIs' Lambda entries, loaded with the environment the stacks set and invoked as API
 * Gateway's HTTP API invokes them (payload format 2.0), against mocked AWS clients: the
 * right table, index and bucket are asked, and the answers are the API's.
 */

const ENVIRONMENT = {
  POWERTOOLS_LOG_LEVEL: 'SILENT',
  AWS_REGION: 'eu-west-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
  CUSTOMER_TABLE_NAME: 'Customer-x',
  TRANSACTIONS_TABLE_NAME: 'Transactions-x',
  UPLOADS_TABLE_NAME: 'Uploads-x',
  UPLOADS_BUCKET_NAME: 'uploads-bucket-x',
  TRANSACTION_TOTAL_TABLE_NAME: 'TransactionTotal-x',
  LEDGER_ENTRIES_TABLE_NAME: 'LedgerEntries-x',
  ALERTS_TABLE_NAME: 'Alerts-x',
};

const dynamo = mockClient(DynamoDBDocumentClient);
const s3 = mockClient(S3Client);

const context = {
  functionName: 'txnflow-test-api',
  awsRequestId: 'req-1',
  getRemainingTimeInMillis: () => 10_000,
} as unknown as Context;

/** An HTTP API (v2) event as API Gateway sends it for an IAM-authorized request. */
function httpApiEvent(
  method: string,
  path: string,
  options: { query?: string; body?: string; headers?: Record<string, string> } = {},
): APIGatewayProxyEventV2 {
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath: path,
    rawQueryString: options.query ?? '',
    headers: { host: 'abc123.execute-api.eu-west-1.amazonaws.com', ...options.headers },
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123',
      domainName: 'abc123.execute-api.eu-west-1.amazonaws.com',
      domainPrefix: 'abc123',
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'test' },
      requestId: 'r-1',
      routeKey: '$default',
      stage: '$default',
      time: '26/Nov/2026:10:00:00 +0000',
      timeEpoch: 1_795_000_000_000,
    },
    ...(options.body === undefined
      ? {}
      : { body: Buffer.from(options.body).toString('base64'), isBase64Encoded: true }),
    isBase64Encoded: options.body !== undefined,
  } as APIGatewayProxyEventV2;
}

type ApiHandler = (
  event: APIGatewayProxyEventV2,
  context: Context,
) => Promise<APIGatewayProxyResultV2 & { statusCode: number; body: string; headers: object }>;

describe('API Lambda entries behind an HTTP API (payload 2.0)', () => {
  const entries = {} as Record<'ingest' | 'ledger' | 'alerting', ApiHandler>;
  beforeAll(async () => {
    for (const [name, value] of Object.entries(ENVIRONMENT)) vi.stubEnv(name, value);
    const load = async (path: string) =>
      ((await import(new URL(path, import.meta.url).href)) as { handler: ApiHandler }).handler;
    entries.ingest = await load('../../services/ingest/src/lambda/http-api.ts');
    entries.ledger = await load('../../services/ledger/src/lambda/http-api.ts');
    entries.alerting = await load('../../services/alerting/src/lambda/http-api.ts');
  }, 120_000);

  beforeEach(() => {
    dynamo.reset();
    s3.reset();
  });

  it('ingest: lists customers with a Query of the Customer table’s Listing index', async () => {
    dynamo.on(QueryCommand).resolves({
      Items: [
        { customerId: 'C1', address: 'a', listing: 'Customer' },
        { customerId: 'C2', address: 'b', listing: 'Customer' },
      ],
    });

    const result = await entries.ingest(
      httpApiEvent('GET', '/customers', { query: 'limit=1' }),
      context,
    );

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({
      items: [{ customerId: 'C1', address: 'a' }],
      nextCursor: 'QzE',
    });
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input).toMatchObject({
      TableName: 'Customer-x',
      IndexName: 'Listing',
      Limit: 2,
    });
  });

  it('ingest: puts an upload into the uploads bucket and answers 202 with its version', async () => {
    s3.on(PutObjectCommand).resolves({ VersionId: 'ver-1' });

    const result = await entries.ingest(
      httpApiEvent('POST', '/uploads', {
        query: 'name=transactions.txt',
        body: 'customer_id|customer_address|trn_id|trn_date|trn_amount\n',
        headers: { 'content-type': 'text/plain' },
      }),
      context,
    );

    expect(result.statusCode).toBe(202);
    expect(JSON.parse(result.body)).toMatchObject({
      bucket: 'uploads-bucket-x',
      key: 'incoming/transactions.txt',
      versionId: 'ver-1',
      bytes: 56,
    });
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    expect(put).toMatchObject({ Bucket: 'uploads-bucket-x', Key: 'incoming/transactions.txt' });
    expect(Buffer.from(put?.Body as Uint8Array).toString()).toContain('customer_id|');
  });

  it('ledger: answers a balance with its entries, from a GetItem and a Query', async () => {
    dynamo
      .on(GetCommand)
      .resolves({ Item: { customerId: 'C2', balanceCents: 175_000, version: 1 } });
    dynamo.on(QueryCommand).resolves({
      Items: [
        {
          customerId: 'C2',
          transactionId: 'T1',
          transactionDate: '2023-03-01',
          amountCents: 175_000,
          balanceBeforeCents: 0,
          balanceAfterCents: 175_000,
          version: 1,
          thresholdCents: 150_000,
          crossedThreshold: true,
          alertPublished: true,
        },
      ],
    });

    const result = await entries.ledger(httpApiEvent('GET', '/balances/C2'), context);

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toMatchObject({
      customerId: 'C2',
      balance: '1750.00',
      entries: { items: [{ transactionId: 'T1', after: '1750.00', crossed: true }] },
    });
    expect(dynamo.commandCalls(QueryCommand)[0]?.args[0].input.TableName).toBe('LedgerEntries-x');
  });

  it('alerting: answers a malformed request with a problem, and an unknown route with 404', async () => {
    const bad = await entries.alerting(
      httpApiEvent('GET', '/alerts', { query: 'limit=1000' }),
      context,
    );
    const unknown = await entries.alerting(httpApiEvent('GET', '/balances'), context);

    expect([bad.statusCode, unknown.statusCode]).toEqual([400, 404]);
    expect(bad.headers).toMatchObject({ 'content-type': 'application/problem+json' });
    expect(dynamo.commandCalls(QueryCommand)).toHaveLength(0);
  });
});
