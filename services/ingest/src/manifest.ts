import { EventSource, type ServiceManifest } from '@txnflow/contracts';
import { REPORTS_PREFIX } from './domain/reports.ts';
import { UPLOADS_PREFIX } from './domain/uploads-prefix.ts';

/**
 * Ingest: the uploads bucket sends "Object Created" to the default bus (that is where S3
 * delivers); the rule ignores ingest's own reports, so writing them never re-triggers it.
 */
const ingestManifest: ServiceManifest = {
  service: 'ingest',
  source: EventSource.ingest,
  publishes: ['TransactionRecorded'],
  // A row is one conditional PutItem (its failure returns the existing item); customers are
  // batch-written once per run; the outbox watermark is read and updated once per upload and batch.
  tables: [
    {
      name: 'Customer',
      partitionKey: 'customerId',
      itemActions: ['BatchWriteItem'],
      listing: { sortKey: 'customerId', include: ['address'] },
    },
    {
      name: 'Transactions',
      partitionKey: 'customerId',
      sortKey: 'transactionId',
      itemActions: ['PutItem'],
    },
    { name: 'Uploads', partitionKey: 'uploadId', itemActions: ['GetItem', 'UpdateItem'] },
  ],
  handlers: [
    {
      name: 'objectCreated',
      entry: 'src/lambda/object-created.ts',
      timeoutSeconds: 900,
      memoryMb: 1024,
    },
  ],
  queues: [],
  topics: [],
  buckets: [{ name: 'Uploads' }],
  // The query API: customers (a page of the Listing index, or one item) and a customer's
  // transactions (a Query of its partition); uploads put under incoming/.
  api: {
    entry: 'src/lambda/http-api.ts',
    tableReads: { Customer: ['GetItem', 'Query'], Transactions: ['Query'] },
    uploads: { bucket: 'Uploads', prefix: UPLOADS_PREFIX },
  },
  subscriptions: [
    {
      rule: 'UploadsObjectCreatedToIngest',
      bus: 'default',
      fromBucket: 'Uploads',
      eventPattern: {
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: { object: { key: [{ 'anything-but': { prefix: REPORTS_PREFIX } }] } },
      },
      target: { kind: 'function', handler: 'objectCreated' },
    },
  ],
};

export { ingestManifest };
