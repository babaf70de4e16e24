import { type EventPattern, EventSource, type ServiceManifest } from '@txnflow/contracts';

/**
 * An original HighBalanceDetected, never one caused by a replay: EventBridge marks replayed
 * events with `replay-name`, and the ledger copies a replay's name into the metadata of
 * the alerts it re-detects during a backfill. Customers are told once.
 */
const originalHighBalanceDetected: EventPattern = {
  source: [EventSource.ledger],
  'detail-type': ['HighBalanceDetected'],
  'replay-name': [{ exists: false }],
  detail: { metadata: { replayName: [{ exists: false }] } },
};

/** Alerting: records alerts, emails the customer, and fans out to two queues. */
const alertingManifest: ServiceManifest = {
  service: 'alerting',
  source: EventSource.alerting,
  publishes: [],
  tables: [
    {
      name: 'Alerts',
      partitionKey: 'alertId',
      itemActions: ['GetItem', 'PutItem', 'UpdateItem'],
      listing: { sortKey: 'listingKey' },
    },
  ],
  handlers: [{ name: 'highBalanceDetected', entry: 'src/lambda/high-balance-detected.ts' }],
  queues: [{ name: 'CustomerNotify' }, { name: 'CreditCollection' }],
  topics: [{ name: 'HighBalanceAlert', emailSubscription: true }],
  buckets: [],
  // The query API: alerts, a page of the Alerts table's Listing index at a time.
  api: { entry: 'src/lambda/http-api.ts', tableReads: { Alerts: ['Query'] } },
  subscriptions: [
    {
      rule: 'HighBalanceToAlerting',
      bus: 'txnflow',
      eventPattern: originalHighBalanceDetected,
      target: { kind: 'function', handler: 'highBalanceDetected' },
    },
    {
      rule: 'HighBalanceToCustomerNotify',
      bus: 'txnflow',
      eventPattern: originalHighBalanceDetected,
      target: { kind: 'queue', queue: 'CustomerNotify' },
    },
    {
      rule: 'HighBalanceToCreditCollection',
      bus: 'txnflow',
      eventPattern: originalHighBalanceDetected,
      target: { kind: 'queue', queue: 'CreditCollection' },
    },
  ],
};

export { alertingManifest, originalHighBalanceDetected };
