import type { Log } from '@txnflow/contracts';
import {
  BUS_NAME,
  type DeadLetterSink,
  type EventPattern,
  manifestDeadLetterQueues,
  type ResolvedManifest,
  type ResolvedSubscription,
  type RetryPolicy,
  resolveManifest,
} from '@txnflow/contracts';
import type { LocalRuntime } from '../local/index.ts';
import { localWaitSeconds } from './local-time-scale.ts';
import { recordedLog } from './recorded-log.ts';
import type { LocalServiceContext } from './service-context.ts';
import type { LocalHandler, LocalService } from './services.ts';
import { createTransactionalPublisher } from './transactional-publisher.ts';

/** The archive of the txnflow bus: every original event, for replays and backfills. */
const ARCHIVE_NAME = 'txnflow-archive';

/** Where the alert emails go locally; the outbox folder shows them. */
const DEFAULT_ALERT_EMAIL = 'customer-alerts@txnflow.local';

/** The local physical name of a manifest bucket: `txnflow-ingest-uploads`. */
const localBucketName = (service: string, bucket: string): string =>
  `txnflow-${service}-${bucket.toLowerCase()}`;

/** Handlers of all services share one registry, so each is qualified by its service. */
const qualifiedHandler = (service: string, handler: string): string => `${service}.${handler}`;

interface WireOptions {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Log;
  readonly alertEmail?: string;
  /** Told how many bytes of an object have been read so far (for a progress bar). */
  readonly onObjectRead?: (key: string, bytesRead: number) => void;
}

async function* counted(
  stream: AsyncIterable<Uint8Array>,
  key: string,
  onRead: (key: string, bytesRead: number) => void,
): AsyncGenerator<Uint8Array> {
  let bytesRead = 0;
  for await (const chunk of stream) {
    bytesRead += chunk.length;
    onRead(key, bytesRead);
    yield chunk;
  }
}

function withBucket(pattern: EventPattern, bucketName: string): EventPattern {
  const detail = (pattern.detail ?? {}) as Record<string, unknown>;
  return { ...pattern, detail: { ...detail, bucket: { name: [bucketName] } } };
}

function deadLetterSink(runtime: LocalRuntime, queue: string): DeadLetterSink {
  return {
    async send(body, reason) {
      runtime.handlerCalls.sendMessage({
        queue,
        body,
        attributes: { ERROR_CODE: 'ContractValidationFailed', ERROR_MESSAGE: reason },
      });
    },
  };
}

/** The dead-letter queue a handler's poison events go to (resolveManifest decides which). */
function poisonQueueOf(manifest: ResolvedManifest, handler: string): string {
  const queue = manifest.handlers.find((h) => h.name === handler)?.poisonQueue;
  if (!queue) {
    throw new Error(
      `${manifest.service} handler ${handler} has no dead-letter queue: no rule delivers to it`,
    );
  }
  return queue.name;
}

function createResources(runtime: LocalRuntime, manifest: ResolvedManifest, alertEmail: string) {
  // Versioned, as the stacks make every manifest bucket (EventSourceBucket).
  for (const bucket of manifest.buckets) {
    runtime.createBucket({ name: localBucketName(manifest.service, bucket.name), versioned: true });
  }
  for (const queue of manifest.queues) {
    runtime.createQueue({ name: queue.deadLetterQueue.name });
    runtime.createQueue({
      name: queue.name,
      visibilityTimeoutSeconds: localWaitSeconds(queue.visibilityTimeoutSeconds),
      redrivePolicy: {
        deadLetterQueue: queue.deadLetterQueue.name,
        maxReceiveCount: queue.maxReceiveCount,
      },
    });
  }
  for (const topic of manifest.topics) {
    runtime.createTopic({ name: topic.name });
    if (topic.emailSubscription) {
      runtime.subscribe({ topic: topic.name, protocol: 'email', endpoint: alertEmail });
    }
  }
}

/** Where a rule's dead-letter queue sends its messages back to on a redrive. */
type RuleRedriveTarget =
  | { readonly rule: string; readonly kind: 'queue'; readonly queue: string }
  | {
      readonly rule: string;
      readonly kind: 'handler';
      readonly handler: LocalHandler;
      /** The handler's qualified name, `ingest.objectCreated`. */
      readonly destination: string;
    };

/**
 * The retry policy of a rule's local target, as the CDK stack sets it. A queue target
 * retries as EventBridge retries its delivery (the target's RetryPolicy). A handler target
 * stands for both hops of a rule invoking a function, and what fails locally is the
 * handler, so it retries as Lambda retries a function error (the function's
 * EventInvokeConfig): EventBridge's own retries there only cover Lambda refusing the
 * invocation, which an in-process handler never does.
 */
function localRetryPolicy(manifest: ResolvedManifest, s: ResolvedSubscription): RetryPolicy {
  if (s.target.kind !== 'function') return s.retryPolicy;
  const { handler } = s.target;
  const invocation = manifest.handlers.find((h) => h.name === handler)?.asyncInvocation;
  if (!invocation) throw new Error(`${manifest.service} has no handler ${handler}`);
  return invocation.retryPolicy;
}

function wireSubscription(
  runtime: LocalRuntime,
  manifest: ResolvedManifest,
  s: ResolvedSubscription,
  handlers: Readonly<Record<string, LocalHandler>>,
): RuleRedriveTarget {
  const eventBusName = s.bus === 'default' ? 'default' : BUS_NAME;
  const eventPattern = s.fromBucket
    ? withBucket(s.eventPattern, localBucketName(manifest.service, s.fromBucket))
    : s.eventPattern;
  runtime.createQueue({ name: s.deadLetterQueue.name });
  runtime.putRule({ name: s.rule, eventBusName, eventPattern });
  const target =
    s.target.kind === 'function'
      ? ({ kind: 'handler', name: qualifiedHandler(manifest.service, s.target.handler) } as const)
      : ({ kind: 'queue', name: s.target.queue } as const);
  runtime.putTargets({
    rule: s.rule,
    eventBusName,
    targets: [
      {
        id: `${s.rule}Target`,
        target,
        retryPolicy: localRetryPolicy(manifest, s),
        deadLetterQueue: s.deadLetterQueue.name,
      },
    ],
  });
  if (s.target.kind === 'queue-consumer') {
    runtime.createEventSourceMapping({
      queue: s.target.queue,
      handler: qualifiedHandler(manifest.service, s.target.handler),
      batchSize: s.target.batchSize,
      reportBatchItemFailures: true,
    });
  }
  if (s.target.kind === 'function') {
    const handler = handlers[s.target.handler];
    if (!handler) throw new Error(`${manifest.service} has no handler ${s.target.handler}`);
    const destination = qualifiedHandler(manifest.service, s.target.handler);
    return { rule: s.rule, kind: 'handler', handler, destination };
  }
  return { rule: s.rule, kind: 'queue', queue: s.target.queue };
}

/**
 * Builds every service's resources, rules and handlers on the runtime from the manifests,
 * the same manifests the CDK stacks are built from, their defaults resolved by the same
 * `resolveManifest`: local routing and retries are the deployed ones (waits scaled, see
 * local-time-scale.ts). Idempotent, so a reopened state folder is wired again the same way.
 *
 * @example wireServices(runtime, localServices, { env: process.env, log });
 */
function wireServices(
  runtime: LocalRuntime,
  services: readonly LocalService[],
  options: WireOptions,
): ReadonlyMap<string, RuleRedriveTarget> {
  const ruleDeadLetters = new Map<string, RuleRedriveTarget>();
  runtime.createEventBus({ name: BUS_NAME });
  runtime.createArchive({ name: ARCHIVE_NAME, eventBusName: BUS_NAME });
  const publisher = createTransactionalPublisher(runtime, BUS_NAME);
  for (const service of services) {
    const manifest = resolveManifest(service.manifest);
    createResources(runtime, manifest, options.alertEmail ?? DEFAULT_ALERT_EMAIL);
    const ctx: LocalServiceContext = {
      db: runtime.db,
      publisher,
      bucket: {
        getObject: async (params) => {
          const stream = await runtime.getObject(params);
          // A chunk's range is part of a file read in parallel: no progress of the whole.
          const whole = params.range === undefined;
          return options.onObjectRead && whole
            ? counted(stream, params.key, options.onObjectRead)
            : stream;
        },
        headObject: (params) => runtime.headObject(params),
        putObject: (params) => runtime.putObject(params),
      },
      topics: { publish: (params) => runtime.handlerCalls.publish(params) },
      queues: {
        send: (params) => runtime.handlerCalls.sendMessage(params),
        changeVisibility: (params) => runtime.handlerCalls.changeMessageVisibility(params),
      },
      deadLettersFor: (handler) => deadLetterSink(runtime, poisonQueueOf(manifest, handler)),
      env: options.env,
      log: recordedLog(runtime, manifest.service, options.log),
    };
    const handlers = service.createHandlers(ctx);
    for (const handler of manifest.handlers) {
      const fn = handlers[handler.name];
      if (!fn) throw new Error(`${manifest.service} declares handler ${handler.name} but has none`);
      runtime.registerHandler(qualifiedHandler(manifest.service, handler.name), fn as never);
    }
    for (const subscription of manifest.subscriptions) {
      const redriveTarget = wireSubscription(runtime, manifest, subscription, handlers);
      ruleDeadLetters.set(subscription.deadLetterQueue.name, redriveTarget);
    }
    wireOwnQueueConsumers(runtime, manifest);
  }
  return ruleDeadLetters;
}

/** The event source mappings of queues a handler reads that no rule delivers to. */
function wireOwnQueueConsumers(runtime: LocalRuntime, manifest: ResolvedManifest): void {
  const byRule = new Set(
    manifest.subscriptions.flatMap((s) =>
      s.target.kind === 'queue-consumer' ? [s.target.queue] : [],
    ),
  );
  for (const queue of manifest.queues) {
    if (!queue.consumer || byRule.has(queue.name)) continue;
    runtime.createEventSourceMapping({
      queue: queue.name,
      handler: qualifiedHandler(manifest.service, queue.consumer.handler),
      batchSize: queue.consumer.batchSize,
      reportBatchItemFailures: true,
      ...(queue.consumer.maxConcurrency !== undefined
        ? { maxConcurrency: queue.consumer.maxConcurrency }
        : {}),
    });
  }
}

/**
 * Every dead-letter queue the services' wiring creates: one per queue and one per rule.
 *
 * @example deadLetterQueuesOf(localServices) // ['UploadsObjectCreatedToIngestDLQ', ...]
 */
function deadLetterQueuesOf(services: readonly LocalService[]): string[] {
  return services.flatMap(({ manifest }) =>
    manifestDeadLetterQueues(resolveManifest(manifest)).map((queue) => queue.name),
  );
}

export type { RuleRedriveTarget, WireOptions };
export {
  ARCHIVE_NAME,
  DEFAULT_ALERT_EMAIL,
  deadLetterQueuesOf,
  localBucketName,
  qualifiedHandler,
  wireServices,
};
