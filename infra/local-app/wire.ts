import type { Log } from '@txnflow/contracts';
import {
  BUS_NAME,
  type DeadLetterSink,
  type EventPattern,
  type ServiceManifest,
  type SubscriptionSpec,
} from '@txnflow/contracts';
import type { LocalRuntime } from '../local/index.ts';
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

/**
 * Locally, handlers run in-process and need no Lambda-timeout headroom, so a failed message
 * comes back after at most this long instead of the deployed visibility timeout.
 */
const LOCAL_MAX_VISIBILITY_SECONDS = 2;

/** Every queue has a dead-letter queue; every rule target has one too. */
const dlqOf = (name: string): string => `${name}DLQ`;

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
      runtime.sendMessage({
        queue,
        body,
        attributes: { ERROR_CODE: 'ContractValidationFailed', ERROR_MESSAGE: reason },
      });
    },
  };
}

/** The dead-letter queue a handler's poison events go to: its queue's or its rule's. */
function poisonQueueOf(manifest: ServiceManifest, handler: string): string {
  for (const s of manifest.subscriptions) {
    if (s.target.kind === 'queue-consumer' && s.target.handler === handler)
      return dlqOf(s.target.queue);
    if (s.target.kind === 'function' && s.target.handler === handler) return dlqOf(s.rule);
  }
  return dlqOf(`${manifest.service}-${handler}`);
}

function createResources(runtime: LocalRuntime, manifest: ServiceManifest, alertEmail: string) {
  for (const bucket of manifest.buckets) {
    runtime.createBucket({ name: localBucketName(manifest.service, bucket.name) });
  }
  for (const queue of manifest.queues) {
    runtime.createQueue({ name: dlqOf(queue.name) });
    runtime.createQueue({
      name: queue.name,
      visibilityTimeoutSeconds: Math.min(
        queue.visibilityTimeoutSeconds ?? 60,
        LOCAL_MAX_VISIBILITY_SECONDS,
      ),
      redrivePolicy: {
        deadLetterQueue: dlqOf(queue.name),
        maxReceiveCount: queue.maxReceiveCount ?? 5,
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

function wireSubscription(
  runtime: LocalRuntime,
  manifest: ServiceManifest,
  s: SubscriptionSpec,
  handlers: Readonly<Record<string, LocalHandler>>,
): RuleRedriveTarget {
  const eventBusName = s.bus === 'default' ? 'default' : BUS_NAME;
  const eventPattern = s.fromBucket
    ? withBucket(s.eventPattern, localBucketName(manifest.service, s.fromBucket))
    : s.eventPattern;
  runtime.createQueue({ name: dlqOf(s.rule) });
  runtime.putRule({ name: s.rule, eventBusName, eventPattern });
  const target =
    s.target.kind === 'function'
      ? ({ kind: 'handler', name: qualifiedHandler(manifest.service, s.target.handler) } as const)
      : ({ kind: 'queue', name: s.target.queue } as const);
  runtime.putTargets({
    rule: s.rule,
    eventBusName,
    targets: [{ id: `${s.rule}Target`, target, deadLetterQueue: dlqOf(s.rule) }],
  });
  if (s.target.kind === 'queue-consumer') {
    runtime.createEventSourceMapping({
      queue: s.target.queue,
      handler: qualifiedHandler(manifest.service, s.target.handler),
      batchSize: s.target.batchSize ?? 10,
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
 * the same manifests the CDK stacks are built from: local routing is deployed routing.
 * Idempotent, so a reopened state folder is wired again the same way.
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
    const { manifest } = service;
    createResources(runtime, manifest, options.alertEmail ?? DEFAULT_ALERT_EMAIL);
    const ctx: LocalServiceContext = {
      db: runtime.db,
      publisher,
      bucket: {
        getObject: async (params) => {
          const stream = await runtime.getObject(params);
          return options.onObjectRead ? counted(stream, params.key, options.onObjectRead) : stream;
        },
        putObject: (params) => runtime.putObject(params),
      },
      topics: { publish: (params) => runtime.publish(params) },
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
      ruleDeadLetters.set(dlqOf(subscription.rule), redriveTarget);
    }
  }
  return ruleDeadLetters;
}

/**
 * Every dead-letter queue the services' wiring creates: one per queue and one per rule.
 *
 * @example deadLetterQueuesOf(localServices) // ['UploadsObjectCreatedToIngestDLQ', ...]
 */
function deadLetterQueuesOf(services: readonly LocalService[]): string[] {
  return services.flatMap(({ manifest }) => [
    ...manifest.queues.map((q) => dlqOf(q.name)),
    ...manifest.subscriptions.map((s) => dlqOf(s.rule)),
  ]);
}

export type { RuleRedriveTarget, WireOptions };
export {
  ARCHIVE_NAME,
  DEFAULT_ALERT_EMAIL,
  deadLetterQueuesOf,
  dlqOf,
  localBucketName,
  qualifiedHandler,
  wireServices,
};
