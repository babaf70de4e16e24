import { ContractError } from './errors.ts';
import type {
  ApiSpec,
  HandlerSpec,
  QueueSpec,
  ServiceManifest,
  SubscriptionSpec,
  SubscriptionTarget,
} from './service-manifest.ts';

/**
 * Every default a manifest may leave out, in one place. The CDK stacks and the local wiring
 * both read a manifest through {@link resolveManifest}, so neither repeats a number.
 */
const MANIFEST_DEFAULTS = {
  handlerTimeoutSeconds: 30,
  handlerMemoryMb: 256,
  queueMaxReceiveCount: 5,
  queueVisibilityTimeoutSeconds: 60,
  batchSize: 10,
  /** SQS hands a function more than 10 messages at once only with a batching window of 1 s or more. */
  largeBatchWindowSeconds: 1,
  /** EventBridge's attempts after the first to deliver an event to a rule's target. */
  ruleRetryAttempts: 8,
  /** How long EventBridge (and Lambda, for asynchronous invocations) keeps trying: 6 hours. */
  maximumEventAgeSeconds: 21_600,
  /** Lambda's retries of a function error in an asynchronous invocation (it allows 0 to 2). */
  invocationRetryAttempts: 2,
  /**
   * A consumed queue whose oldest message is older than this is stalled or retrying a failing
   * batch: the consumer normally takes a message within seconds.
   */
  oldestMessageAlarmSeconds: 900,
  /** A query answers in well under a second; an upload through the API is at most 6 MB. */
  apiTimeoutSeconds: 10,
  apiMemoryMb: 256,
} as const;

/** How often, and for how long, a failed delivery or invocation is tried again. */
interface RetryPolicy {
  /** Attempts after the first. */
  readonly maximumRetryAttempts: number;
  /** Give up on an event older than this. */
  readonly maximumEventAgeSeconds: number;
}

/** A dead-letter queue and what it belongs to: a queue of the manifest, or a rule. */
interface DeadLetterQueueRef {
  readonly owner: { readonly kind: 'queue' | 'rule'; readonly name: string };
  /** `<owner>DLQ`: the local queue's name; on AWS CloudFormation names the queue. */
  readonly name: string;
}

interface ResolvedHandler extends HandlerSpec {
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
  /**
   * Where the handler puts an event that fails its contract: the dead-letter queue of the
   * queue it consumes, or of the rule that invokes it (the first subscription naming it).
   * @default - none: no subscription delivers to the handler
   */
  readonly poisonQueue?: DeadLetterQueueRef;
  /** The queues the handler sends messages to itself (their `senders` name it). */
  readonly sendsTo: readonly string[];
  /**
   * Set when a rule invokes the handler asynchronously: Lambda retries a function error this
   * way, then sends the event to the rule's dead-letter queue.
   */
  readonly asyncInvocation?: {
    readonly retryPolicy: RetryPolicy;
    readonly deadLetterQueue: DeadLetterQueueRef;
  };
}

/** How a handler reads a queue: batches, with partial batch failures. */
interface ResolvedConsumer {
  readonly handler: string;
  readonly batchSize: number;
  /** @default - no batching window (batches of at most 10) */
  readonly maxBatchingWindowSeconds?: number;
  /** @default - as many invocations at once as Lambda scales to */
  readonly maxConcurrency?: number;
}

interface ResolvedQueue extends Omit<QueueSpec, 'consumer'> {
  readonly maxReceiveCount: number;
  readonly visibilityTimeoutSeconds: number;
  readonly deadLetterQueue: DeadLetterQueueRef;
  /** @default - read by someone outside txnflow */
  readonly consumer?: ResolvedConsumer;
  /** Alarm when the oldest message is older; set for queues a handler consumes. */
  readonly oldestMessageAlarmSeconds?: number;
}

type ResolvedTarget =
  | Extract<SubscriptionTarget, { kind: 'function' | 'queue' }>
  | ({ readonly kind: 'queue-consumer'; readonly queue: string } & ResolvedConsumer);

interface ResolvedSubscription extends SubscriptionSpec {
  readonly target: ResolvedTarget;
  /** EventBridge's retries of a delivery to the target. */
  readonly retryPolicy: RetryPolicy;
  /** Where EventBridge (and Lambda, for a function) puts what it could not deliver. */
  readonly deadLetterQueue: DeadLetterQueueRef;
}

interface ResolvedApi extends ApiSpec {
  readonly timeoutSeconds: number;
  readonly memoryMb: number;
}

/** A manifest with every default filled in and every reference checked. */
interface ResolvedManifest
  extends Omit<ServiceManifest, 'handlers' | 'queues' | 'subscriptions' | 'api'> {
  readonly handlers: readonly ResolvedHandler[];
  readonly queues: readonly ResolvedQueue[];
  readonly subscriptions: readonly ResolvedSubscription[];
  /** @default - no HTTP API */
  readonly api?: ResolvedApi;
}

/** A manifest refers to a handler, queue or bucket it does not declare. */
class ManifestReferenceError extends ContractError {
  readonly service: string;
  readonly kind: string;
  readonly reference: string;

  constructor(service: string, kind: string, reference: string) {
    super(`${service} manifest refers to ${kind} "${reference}", which it does not declare`);
    this.name = 'ManifestReferenceError';
    this.service = service;
    this.kind = kind;
    this.reference = reference;
  }
}

/**
 * The dead-letter queue of a queue or a rule.
 *
 * @example deadLetterQueueOf('rule', 'HighBalanceToAlerting').name // 'HighBalanceToAlertingDLQ'
 */
function deadLetterQueueOf(kind: 'queue' | 'rule', name: string): DeadLetterQueueRef {
  return { owner: { kind, name }, name: `${name}DLQ` };
}

function ruleRetryPolicy(): RetryPolicy {
  return {
    maximumRetryAttempts: MANIFEST_DEFAULTS.ruleRetryAttempts,
    maximumEventAgeSeconds: MANIFEST_DEFAULTS.maximumEventAgeSeconds,
  };
}

/** A consumer's batch size, and the batching window a batch of more than 10 needs. */
function batchingOf(batchSize: number = MANIFEST_DEFAULTS.batchSize) {
  return {
    batchSize,
    ...(batchSize > 10
      ? { maxBatchingWindowSeconds: MANIFEST_DEFAULTS.largeBatchWindowSeconds }
      : {}),
  };
}

function resolveTarget(target: SubscriptionTarget): ResolvedTarget {
  if (target.kind !== 'queue-consumer') return target;
  return { ...target, ...batchingOf(target.batchSize) };
}

function checkReferences(manifest: ServiceManifest): void {
  const declared = (names: readonly { name: string }[]) => new Set(names.map((n) => n.name));
  const handlers = declared(manifest.handlers);
  const queues = declared(manifest.queues);
  const buckets = declared(manifest.buckets);
  const check = (known: Set<string>, kind: string, name: string | undefined) => {
    if (name !== undefined && !known.has(name)) {
      throw new ManifestReferenceError(manifest.service, kind, name);
    }
  };
  for (const { target, fromBucket } of manifest.subscriptions) {
    check(buckets, 'bucket', fromBucket);
    if (target.kind !== 'function') check(queues, 'queue', target.queue);
    if (target.kind !== 'queue') check(handlers, 'handler', target.handler);
  }
  const tables = declared(manifest.tables);
  for (const table of Object.keys(manifest.api?.tableReads ?? {})) check(tables, 'table', table);
  check(buckets, 'bucket', manifest.api?.uploads?.bucket);
  for (const queue of manifest.queues) {
    check(handlers, 'handler', queue.consumer?.handler);
    for (const sender of queue.senders ?? []) check(handlers, 'handler', sender);
  }
}

function resolveApi(api: ApiSpec): ResolvedApi {
  return {
    ...api,
    timeoutSeconds: api.timeoutSeconds ?? MANIFEST_DEFAULTS.apiTimeoutSeconds,
    memoryMb: api.memoryMb ?? MANIFEST_DEFAULTS.apiMemoryMb,
  };
}

function resolveHandler(
  handler: HandlerSpec,
  subscriptions: readonly ResolvedSubscription[],
  queues: readonly QueueSpec[],
): ResolvedHandler {
  const deliveredBy = subscriptions.find(
    (s) => s.target.kind !== 'queue' && s.target.handler === handler.name,
  );
  const consumed = queues.find((q) => q.consumer?.handler === handler.name);
  const poisonQueue =
    deliveredBy?.target.kind === 'queue-consumer'
      ? deadLetterQueueOf('queue', deliveredBy.target.queue)
      : (deliveredBy?.deadLetterQueue ??
        (consumed ? deadLetterQueueOf('queue', consumed.name) : undefined));
  const invokedBy = subscriptions.find(
    (s) => s.target.kind === 'function' && s.target.handler === handler.name,
  );
  return {
    ...handler,
    timeoutSeconds: handler.timeoutSeconds ?? MANIFEST_DEFAULTS.handlerTimeoutSeconds,
    memoryMb: handler.memoryMb ?? MANIFEST_DEFAULTS.handlerMemoryMb,
    sendsTo: queues.filter((q) => q.senders?.includes(handler.name)).map((q) => q.name),
    ...(poisonQueue ? { poisonQueue } : {}),
    ...(invokedBy
      ? {
          asyncInvocation: {
            retryPolicy: {
              maximumRetryAttempts: MANIFEST_DEFAULTS.invocationRetryAttempts,
              maximumEventAgeSeconds: invokedBy.retryPolicy.maximumEventAgeSeconds,
            },
            deadLetterQueue: invokedBy.deadLetterQueue,
          },
        }
      : {}),
  };
}

/** The consumer of a queue: a rule's queue-consumer target, or the queue's own. */
function consumerOf(
  queue: QueueSpec,
  subscriptions: readonly ResolvedSubscription[],
): ResolvedConsumer | undefined {
  const consumedBy = subscriptions.find(
    (s) => s.target.kind === 'queue-consumer' && s.target.queue === queue.name,
  )?.target;
  if (consumedBy?.kind === 'queue-consumer') {
    return {
      handler: consumedBy.handler,
      batchSize: consumedBy.batchSize,
      ...(consumedBy.maxBatchingWindowSeconds !== undefined
        ? { maxBatchingWindowSeconds: consumedBy.maxBatchingWindowSeconds }
        : {}),
    };
  }
  if (!queue.consumer) return undefined;
  const { handler, maxConcurrency } = queue.consumer;
  return {
    handler,
    ...batchingOf(queue.consumer.batchSize),
    ...(maxConcurrency !== undefined ? { maxConcurrency } : {}),
  };
}

function resolveQueue(queue: QueueSpec, subscriptions: readonly ResolvedSubscription[]) {
  const consumer = consumerOf(queue, subscriptions);
  const { consumer: _declared, ...spec } = queue;
  const resolved: ResolvedQueue = {
    ...spec,
    maxReceiveCount: queue.maxReceiveCount ?? MANIFEST_DEFAULTS.queueMaxReceiveCount,
    visibilityTimeoutSeconds:
      queue.visibilityTimeoutSeconds ?? MANIFEST_DEFAULTS.queueVisibilityTimeoutSeconds,
    deadLetterQueue: deadLetterQueueOf('queue', queue.name),
    ...(consumer
      ? { consumer, oldestMessageAlarmSeconds: MANIFEST_DEFAULTS.oldestMessageAlarmSeconds }
      : {}),
  };
  return resolved;
}

/**
 * The manifest with its defaults filled in, the one place they are decided: retry policies
 * (EventBridge's for rule targets, Lambda's for functions a rule invokes), batch sizes and
 * batching windows, visibility timeouts and receive counts, dead-letter queue names, and
 * which dead-letter queue a handler's poison events go to.
 *
 * @example resolveManifest(ledgerManifest).queues[0]?.deadLetterQueue.name // 'LedgerTransactionsDLQ'
 * @throws {ManifestReferenceError} when a subscription names a handler, queue or bucket the manifest does not declare.
 */
function resolveManifest(manifest: ServiceManifest): ResolvedManifest {
  checkReferences(manifest);
  const subscriptions: ResolvedSubscription[] = manifest.subscriptions.map((s) => ({
    ...s,
    target: resolveTarget(s.target),
    retryPolicy: ruleRetryPolicy(),
    deadLetterQueue: deadLetterQueueOf('rule', s.rule),
  }));
  const { api, ...rest } = manifest;
  return {
    ...rest,
    handlers: manifest.handlers.map((h) => resolveHandler(h, subscriptions, manifest.queues)),
    queues: manifest.queues.map((q) => resolveQueue(q, subscriptions)),
    subscriptions,
    ...(api ? { api: resolveApi(api) } : {}),
  };
}

/**
 * Every dead-letter queue of a resolved manifest: one per queue, one per rule.
 *
 * @example manifestDeadLetterQueues(resolveManifest(ledgerManifest)).map((q) => q.name)
 */
function manifestDeadLetterQueues(manifest: ResolvedManifest): DeadLetterQueueRef[] {
  return [
    ...manifest.queues.map((q) => q.deadLetterQueue),
    ...manifest.subscriptions.map((s) => s.deadLetterQueue),
  ];
}

export type {
  DeadLetterQueueRef,
  ResolvedApi,
  ResolvedConsumer,
  ResolvedHandler,
  ResolvedManifest,
  ResolvedQueue,
  ResolvedSubscription,
  ResolvedTarget,
  RetryPolicy,
};
export {
  deadLetterQueueOf,
  MANIFEST_DEFAULTS,
  ManifestReferenceError,
  manifestDeadLetterQueues,
  resolveManifest,
};
