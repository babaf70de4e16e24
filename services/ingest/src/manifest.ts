import { EventSource, type ServiceManifest } from '@txnflow/contracts';
import { REPORTS_PREFIX } from './domain/reports.ts';

/**
 * Ingest: the uploads bucket sends "Object Created" to the default bus (that is where S3
 * delivers); the rule ignores ingest's own reports, so writing them never re-triggers it.
 */
const ingestManifest: ServiceManifest = {
  service: 'ingest',
  source: EventSource.ingest,
  publishes: ['TransactionRecorded'],
  // A row is one conditional PutItem (its failure returns the existing item); a customer is
  // one conditional UpdateItem per run (again when its address changes); the outbox watermark
  // is read and updated once per unit and batch; a chunked upload's phases count their tasks.
  tables: [
    { name: 'Customer', partitionKey: 'customerId', itemActions: ['UpdateItem'] },
    {
      name: 'Transactions',
      partitionKey: 'customerId',
      sortKey: 'transactionId',
      itemActions: ['PutItem'],
    },
    { name: 'Uploads', partitionKey: 'uploadId', itemActions: ['GetItem', 'UpdateItem'] },
    { name: 'UploadTasks', partitionKey: 'phaseId', itemActions: ['GetItem', 'UpdateItem'] },
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
