import { createRoute, type OpenAPIHono } from '@hono/zod-openapi';
import { formatMoney, type Log } from '@txnflow/contracts';
import {
  createServiceApi,
  HttpProblem,
  nextCursorOf,
  PageQuerySchema,
  pageRequestOf,
  problemResponses,
} from '@txnflow/contracts/http';
import { uploadIdOf } from '../domain/upload-id.ts';
import { UPLOADS_PREFIX } from '../domain/uploads-prefix.ts';
import type { IngestQueries, RecordedTransaction, UploadTarget } from '../ports.ts';
import {
  CustomerPageSchema,
  CustomerParams,
  CustomerSchema,
  TransactionPageSchema,
  UploadQuery,
  UploadSchema,
} from './schemas.ts';
import { checkFileName, limitedBody } from './upload-body.ts';

/** What ingest's API reads and writes through. */
interface IngestApiDeps {
  readonly queries: IngestQueries;
  readonly uploads: UploadTarget;
  /** The largest upload taken, in bytes (API Gateway and Lambda cap a request at 6 MB). */
  readonly maxUploadBytes: number;
  readonly log: Pick<Log, 'error'>;
}

const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const listCustomers = createRoute({
  method: 'get',
  path: '/customers',
  summary: 'Customers in id order, a page at a time',
  request: { query: PageQuerySchema },
  responses: { 200: json(CustomerPageSchema, 'a page of customers'), ...problemResponses(400) },
});

const getCustomer = createRoute({
  method: 'get',
  path: '/customers/{id}',
  summary: 'One customer',
  request: { params: CustomerParams },
  responses: { 200: json(CustomerSchema, 'the customer'), ...problemResponses(400, 404) },
});

const listTransactions = createRoute({
  method: 'get',
  path: '/customers/{id}/transactions',
  summary: "A customer's transactions in transaction id order, a page at a time",
  request: { params: CustomerParams, query: PageQuerySchema },
  responses: {
    200: json(TransactionPageSchema, 'a page of transactions'),
    ...problemResponses(400, 404),
  },
});

const postUpload = createRoute({
  method: 'post',
  path: '/uploads',
  summary: 'Upload a transactions file: it goes to the uploads bucket, which starts ingest',
  request: {
    query: UploadQuery,
    body: {
      required: true,
      description: 'The file, as it is (pipe- or comma-delimited, UTF-8)',
      content: {
        'text/plain': { schema: { type: 'string', format: 'binary' } },
        'application/octet-stream': { schema: { type: 'string', format: 'binary' } },
      },
    },
  },
  responses: {
    202: json(UploadSchema, 'stored; ingest starts from the bucket event'),
    ...problemResponses(400, 413),
  },
});

/**
 * A recorded transaction as txnflow shows it, in the API and in `txnflow transactions`.
 *
 * @example transactionView(t).amount // '250.00'
 */
const transactionView = (t: RecordedTransaction) => ({
  customerId: t.customerId,
  transactionId: t.transactionId,
  date: t.transactionDate,
  amount: formatMoney(t.amountCents),
});

const noCustomer = (id: string) => new HttpProblem(404, 'not-found', `no customer ${id}`);

/**
 * Ingest's query API, written once for Lambda (behind API Gateway) and `txnflow serve`:
 * customers and their transactions, paginated with a cursor, money as 2-decimal strings,
 * errors as problem+json; and uploads, streamed into the uploads bucket, whose "Object
 * Created" starts ingest as any S3 upload does.
 *
 * @example const app = createIngestApi({ queries: store, uploads, maxUploadBytes: 5_000_000, log });
 */
function createIngestApi(deps: IngestApiDeps): OpenAPIHono {
  const app = createServiceApi(
    {
      service: 'ingest',
      title: 'txnflow ingest',
      version: '1',
      description: 'Customers and their transactions as ingest recorded them; uploads start a run.',
    },
    deps.log,
  );
  app.openapi(listCustomers, async (c) => {
    const page = await deps.queries.customersPage(pageRequestOf(c.req.valid('query')));
    return c.json({ items: [...page.items], ...nextCursorOf(page.next) }, 200);
  });
  app.openapi(getCustomer, async (c) => {
    const { id } = c.req.valid('param');
    const customer = await deps.queries.findCustomer(id);
    if (!customer) throw noCustomer(id);
    return c.json(customer, 200);
  });
  app.openapi(listTransactions, async (c) => {
    const { id } = c.req.valid('param');
    const request = pageRequestOf(c.req.valid('query'));
    const page = await deps.queries.transactionsPage(id, request);
    // An unknown customer is a 404, not an empty list: asked only when the first page is empty.
    const firstPage = request.after === undefined;
    if (page.items.length === 0 && firstPage && !(await deps.queries.findCustomer(id))) {
      throw noCustomer(id);
    }
    return c.json({ items: page.items.map(transactionView), ...nextCursorOf(page.next) }, 200);
  });
  app.openapi(postUpload, async (c) => {
    const name = checkFileName(c.req.valid('query').name);
    const stored = await deps.uploads.put(
      `${UPLOADS_PREFIX}${name}`,
      limitedBody(c.req.raw, deps.maxUploadBytes),
    );
    return c.json({ ...stored, uploadId: uploadIdOf(stored) }, 202);
  });
  return app;
}

export type { IngestApiDeps };
export { createIngestApi, transactionView };
