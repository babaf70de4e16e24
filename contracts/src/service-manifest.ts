import type { DetailType, EventSource } from './catalogue.ts';

/**
 * A service manifest is the one place a service declares what it deploys: its tables, the
 * events it publishes, its handlers and its subscriptions on the bus. The CDK stacks and the
 * embedded local runtime are both built from it, so local routing is the deployed routing.
 */

/** An EventBridge event pattern, as a plain JSON object. */
type EventPattern = Readonly<Record<string, unknown>>;

/** A table the service owns. Keys are attribute names; every key is a string. */
/**
 * What a service's functions may do to a table's items, as IAM names the DynamoDB actions.
 * TransactWriteItems is authorized per item as PutItem or UpdateItem.
 */
type TableItemAction = 'GetItem' | 'BatchGetItem' | 'PutItem' | 'UpdateItem' | 'BatchWriteItem';

interface TableSpec {
  /** Logical name, also the CDK construct id: `Customer`, `TransactionTotal`. */
  readonly name: string;
  readonly partitionKey: string;
  /** @default - no sort key */
  readonly sortKey?: string;
  /** The item actions the service's code calls on it: its functions get these and no more. */
  readonly itemActions: readonly TableItemAction[];
  /**
   * Lists the table with Query, never Scan: a fixed-partition index (see listing-index.ts)
   * sorted by `sortKey`, projecting `include` besides the keys (every attribute when absent,
   * the keys alone when empty: then a write that changes no key never writes the index).
   * @default - not listed
   */
  readonly listing?: {
    readonly sortKey: string;
    readonly include?: readonly string[];
  };
}

/** A Lambda function of the service. */
interface HandlerSpec {
  /** Logical name, referenced by subscriptions: `transactionRecorded`. */
  readonly name: string;
  /** The Lambda entry file, relative to the service folder (exports `handler`). */
  readonly entry: string;
  /** @default 30 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMb?: number;
}

/** A queue the service owns. Every queue gets a dead-letter queue named `<name>DLQ`. */
interface QueueSpec {
  readonly name: string;
  /** Receives before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /** @default 60 */
  readonly visibilityTimeoutSeconds?: number;
  /**
   * Handlers of the service that send messages to the queue themselves (no rule): they get
   * `sqs:SendMessage` on it and its URL in their environment. @default - none
   */
  readonly senders?: readonly string[];
  /**
   * A handler that reads the queue in batches with partial batch failures (an event source
   * mapping), for a queue no rule delivers to. @default - none, or a rule's queue-consumer target
   */
  readonly consumer?: QueueConsumerSpec;
}

/** A handler reading a queue through an event source mapping. */
interface QueueConsumerSpec {
  readonly handler: string;
  /** @default 10 */
  readonly batchSize?: number;
  /** Invocations at once for the mapping (Lambda's MaximumConcurrency, 2 to 1000). @default - as many as Lambda scales to */
  readonly maxConcurrency?: number;
}

/** Where a rule sends matching events. */
type SubscriptionTarget =
  /** Invoke a handler asynchronously; EventBridge retries, then the rule's DLQ. */
  | { readonly kind: 'function'; readonly handler: string }
  /** Deliver to a queue that a handler consumes in batches with partial batch failures. */
  | {
      readonly kind: 'queue-consumer';
      readonly queue: string;
      readonly handler: string;
      /** @default 10 */
      readonly batchSize?: number;
    }
  /** Deliver to a queue read by someone outside txnflow (e.g. credit collection). */
  | { readonly kind: 'queue'; readonly queue: string };

/** A rule on a bus. */
interface SubscriptionSpec {
  /** Rule name, unique within the service: `TransactionRecordedToLedger`. */
  readonly rule: string;
  /** `txnflow` is the custom bus; `default` receives S3's "Object Created" events. */
  readonly bus: 'txnflow' | 'default';
  readonly eventPattern: EventPattern;
  /**
   * Narrows the pattern to "Object Created" events of this owned bucket: the wiring adds
   * `detail.bucket.name`, whose physical value is known only at deploy (or open) time.
   * @default - the pattern is used as it is
   */
  readonly fromBucket?: string;
  readonly target: SubscriptionTarget;
}

/** An SNS topic the service owns, with its email subscription. */
interface TopicSpec {
  readonly name: string;
  /** Whether the alert email address (configuration) is subscribed. */
  readonly emailSubscription: boolean;
}

/** A bucket the service owns; S3 sends its "Object Created" events to the default bus. */
interface BucketSpec {
  readonly name: string;
}

/** What a service's query API may do to a table: read single items, and Query. */
type TableReadAction = 'GetItem' | 'BatchGetItem' | 'Query';

/**
 * A service's HTTP API (its query side): on AWS a function behind an API Gateway HTTP API
 * with IAM authorization in the service's stack; locally `txnflow serve` mounts it.
 */
interface ApiSpec {
  /** The Lambda entry serving the API, relative to the service folder (exports `handler`). */
  readonly entry: string;
  /** What the API's code calls on each table (by manifest name): its role gets these only. */
  readonly tableReads: Readonly<Record<string, readonly TableReadAction[]>>;
  /**
   * Uploads the API puts into a bucket of the service, under a key prefix.
   * @default - the API writes nothing
   */
  readonly uploads?: { readonly bucket: string; readonly prefix: string };
  /** @default 10 */
  readonly timeoutSeconds?: number;
  /** @default 256 */
  readonly memoryMb?: number;
}

interface ServiceManifest {
  /** `ingest`, `ledger`, `alerting`: also the stack and table-name prefix. */
  readonly service: string;
  /** The `source` this service publishes under; the bus policy allows no other. */
  readonly source: EventSource;
  readonly publishes: readonly DetailType[];
  readonly tables: readonly TableSpec[];
  readonly handlers: readonly HandlerSpec[];
  readonly queues: readonly QueueSpec[];
  readonly topics: readonly TopicSpec[];
  readonly buckets: readonly BucketSpec[];
  readonly subscriptions: readonly SubscriptionSpec[];
  /** @default - no HTTP API */
  readonly api?: ApiSpec;
}

/** The name of the custom bus, without stage: stacks and the local runtime append nothing locally. */
const BUS_NAME = 'txnflow';

export type {
  ApiSpec,
  BucketSpec,
  EventPattern,
  HandlerSpec,
  QueueConsumerSpec,
  QueueSpec,
  ServiceManifest,
  SubscriptionSpec,
  SubscriptionTarget,
  TableItemAction,
  TableReadAction,
  TableSpec,
  TopicSpec,
};

/**
 * The local runtime's SQLite table for a manifest table: `ledger_transaction_total`.
 *
 * @example localTableName('ledger', 'TransactionTotal') // 'ledger_transaction_total'
 */
function localTableName(service: string, table: string): string {
  const snake = table.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
  return `${service}_${snake}`;
}

export { BUS_NAME, localTableName };
