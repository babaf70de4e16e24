import { EventSource, type ServiceManifest } from '@txnflow/contracts';
import { REPORTS_PREFIX } from './domain/reports.ts';
import { UPLOADS_PREFIX } from './domain/uploads-prefix.ts';

/** The queue of a chunked upload's tasks (see domain/chunk-tasks.ts). */
const CHUNK_QUEUE = 'IngestChunks';

/** The chunk task function's timeout: a chunk is sized to take a small part of it. */
const CHUNK_TASK_TIMEOUT_SECONDS = 900;

/**
 * Ingest: the uploads bucket sends "Object Created" to the default bus (that is where S3
 * delivers); the rule ignores ingest's own reports, so writing them never re-triggers it.
 * A large file is ingested in chunks: the object-created function queues their tasks on
 * the chunk queue, whose consumer runs them (and queues the next phase's).
 */
const ingestManifest: ServiceManifest = {
  service: 'ingest',
  source: EventSource.ingest,
  publishes: ['TransactionRecorded'],
  // A row is one conditional PutItem (its failure returns the existing item); a customer is
  // one conditional UpdateItem per run (again when its address changes); the outbox watermark
  // is read and updated once per unit and batch; a chunked upload's phases count their tasks.
  tables: [
    {
      name: 'Customer',
      partitionKey: 'customerId',
      itemActions: ['UpdateItem'],
      listing: { sortKey: 'customerId', include: ['address'] },
    },
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
    {
      name: 'chunkTask',
      entry: 'src/lambda/chunk-task.ts',
      timeoutSeconds: CHUNK_TASK_TIMEOUT_SECONDS,
      memoryMb: 1024,
    },
  ],
  queues: [
    {
      name: CHUNK_QUEUE,
      senders: ['objectCreated', 'chunkTask'],
      // One task per invocation (a chunk is a function's worth of work); at most this many at once.
      consumer: { handler: 'chunkTask', batchSize: 1, maxConcurrency: 50 },
      // Six times the function's timeout, as AWS advises for an SQS event source mapping.
      visibilityTimeoutSeconds: 6 * CHUNK_TASK_TIMEOUT_SECONDS,
    },
  ],
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

export { CHUNK_QUEUE, ingestManifest };
