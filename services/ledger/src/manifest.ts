import { EventSource, type ServiceManifest } from '@txnflow/contracts';

/**
 * The ledger: consumes every TransactionRecorded (replays included: that is how a backfill
 * rebuilds balances) through a queue, in batches, and publishes HighBalanceDetected.
 */
const ledgerManifest: ServiceManifest = {
  service: 'ledger',
  source: EventSource.ledger,
  publishes: ['HighBalanceDetected'],
  // A batch is read with BatchGetItem; a customer's commit is one conditional UpdateItem of
  // its balance, then a conditional PutItem per entry; GetItem reads a balance's pending
  // entries when an alert is marked on an entry a crash left unwritten.
  tables: [
    {
      name: 'TransactionTotal',
      partitionKey: 'customerId',
      itemActions: ['BatchGetItem', 'GetItem', 'UpdateItem'],
      // Keys only: a commit changes no key, so it writes the index only when it creates a balance.
      listing: { sortKey: 'customerId', include: [] },
    },
    {
      name: 'LedgerEntries',
      partitionKey: 'customerId',
      sortKey: 'transactionId',
      itemActions: ['BatchGetItem', 'PutItem', 'UpdateItem'],
    },
  ],
  handlers: [
    {
      name: 'transactionRecorded',
      entry: 'src/lambda/transaction-recorded.ts',
      timeoutSeconds: 60,
    },
  ],
  queues: [{ name: 'LedgerTransactions', maxReceiveCount: 5, visibilityTimeoutSeconds: 360 }],
  topics: [],
  buckets: [],
  // The query API: balances (a page of the Listing index, then its items in one batch, or one
  // item) and a customer's entries (a Query of its partition, beside its pending entries).
  api: {
    entry: 'src/lambda/http-api.ts',
    tableReads: {
      TransactionTotal: ['BatchGetItem', 'GetItem', 'Query'],
      LedgerEntries: ['Query'],
    },
  },
  subscriptions: [
    {
      rule: 'TransactionRecordedToLedger',
      bus: 'txnflow',
      eventPattern: { source: [EventSource.ingest], 'detail-type': ['TransactionRecorded'] },
      target: {
        kind: 'queue-consumer',
        queue: 'LedgerTransactions',
        handler: 'transactionRecorded',
        // The ledger applies a batch in one write (one SQLite transaction locally), so larger
        // batches mean fewer commits; over 10 needs a 1 s batching window on AWS.
        batchSize: 100,
      },
    },
  ],
};

export { ledgerManifest };
