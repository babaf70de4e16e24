import type { Readable } from 'node:stream';
import type { Database } from 'better-sqlite3';
import type {
  ArchivedEventSummary,
  CreateArchiveParams,
  ListArchivedEventsParams,
} from './archive/archive.ts';
import type { ReplayDescription, ReplayState, StartReplayParams } from './archive/replay.ts';
import { assembleRuntime, type RuntimeParts } from './assembly.ts';
import type { ObjectSummary, PutObjectParams } from './bucket/bucket.ts';
import type { PutEventsRequestEntry } from './bus/envelope.ts';
import type { PutEventsResult } from './bus/put-events.ts';
import type { PutRuleParams, PutTargetsParams, RuleDescription } from './bus/rules.ts';
import { type Clock, systemClock } from './clock.ts';
import type { FailedDelivery } from './delivery/dispatcher.ts';
import type { Handler } from './delivery/handlers.ts';
import type { RetrySettings } from './delivery/retry.ts';
import { RuntimeClosedError, ValidationError } from './errors.ts';
import { createFaultInjector, type FaultOptions, parseFaultSpec } from './faults.ts';
import type { CreateEventSourceMappingParams } from './queues/event-source-mapping.ts';
import type {
  CreateQueueParams,
  QueuedMessage,
  ReceivedMessage,
  ReceiveMessagesParams,
  SendMessageParams,
} from './queues/queue.ts';
import { openStateDatabase } from './state/database.ts';
import type { OutboxEntry } from './topics/email-outbox.ts';
import type { PublishParams, SubscribeParams } from './topics/topic.ts';

interface LocalRuntimeOptions {
  /** The folder holding the SQLite file, object bodies and the email outbox. */
  readonly stateDir: string;
  /** @default '000000000000' */
  readonly accountId?: string;
  /** @default 'local-1' */
  readonly region?: string;
  /** Retry settings of handler targets; a target's retryPolicy overrides maxAttempts. */
  readonly retry?: Partial<RetrySettings>;
  /**
   * Time: stamps events and messages and times every delay (retry backoff, visibility
   * timeouts, the idle timeout). A test passes a `ManualClock` and drives time instead of
   * sleeping. @default systemClock
   */
  readonly clock?: Clock;
  /** @default - parsed from `TXNFLOW_FAULTS` in `env`, else no faults */
  readonly faults?: FaultOptions;
  /** Where `TXNFLOW_FAULTS` is read when `faults` is not given. @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /** Handler deliveries of rules in flight at once. @default 64 */
  readonly maxConcurrentDeliveries?: number;
}

const DEFAULT_RETRY: RetrySettings = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 2000 };

/**
 * The embedded local runtime: EventBridge (buses, rules, targets, archive, replay), SQS, SNS,
 * S3 and in-process "Lambda" handlers over one SQLite file in a state folder. Deliveries are
 * asynchronous and at-least-once, as on AWS; a process killed mid-run resumes its undelivered
 * work when the state folder is opened again (handlers must be registered again).
 *
 * @example const rt = LocalRuntime.open({ stateDir: '.txnflow' });
 */
class LocalRuntime {
  readonly #parts: RuntimeParts;
  #closed = false;

  private constructor(parts: RuntimeParts) {
    this.#parts = parts;
  }

  /**
   * Opens (or creates) the state folder and resumes whatever was pending in it.
   *
   * @example const rt = LocalRuntime.open({ stateDir: '.txnflow', retry: { maxAttempts: 5 } });
   * @throws {InvalidFaultSpecError} when `TXNFLOW_FAULTS` cannot be read.
   */
  static open(options: LocalRuntimeOptions): LocalRuntime {
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    if (!(Number.isInteger(retry.maxAttempts) && retry.maxAttempts >= 1)) {
      throw new ValidationError(`retry.maxAttempts must be a whole number >= 1`);
    }
    const env = options.env ?? process.env;
    const faults = createFaultInjector(options.faults ?? parseFaultSpec(env.TXNFLOW_FAULTS ?? ''));
    const db = openStateDatabase(options.stateDir);
    try {
      return new LocalRuntime(
        assembleRuntime({
          db,
          stateDir: options.stateDir,
          accountId: options.accountId ?? '000000000000',
          region: options.region ?? 'local-1',
          clock: options.clock ?? systemClock,
          retry,
          faults,
          maxConcurrentDeliveries: options.maxConcurrentDeliveries ?? 64,
        }),
      );
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** The SQLite database; services create their own tables in it (the runtime's are `rt_*`). */
  get db(): Database {
    return this.#open().db;
  }

  /** CreateEventBus, idempotent; `default` always exists. */
  createEventBus(params: { readonly name: string }): { eventBusArn: string } {
    return this.#open().buses.create(params.name);
  }

  /** PutRule: creates or replaces a rule; the pattern is validated (InvalidEventPatternError). */
  putRule(params: PutRuleParams): { ruleArn: string } {
    return this.#open().rules.put(params);
  }

  /** PutTargets: adds or replaces targets by id, at most five per rule. */
  putTargets(params: PutTargetsParams): { FailedEntryCount: 0; FailedEntries: [] } {
    return this.#open().rules.putTargets(params);
  }

  listRules(eventBusName?: string): RuleDescription[] {
    return this.#open().rules.list(eventBusName);
  }

  /** Registers an in-process handler ("Lambda"); work waiting for it starts now. */
  registerHandler(name: string, handler: Handler): void {
    this.#open().handlers.register(name, handler);
  }

  /** PutEvents: stores and routes the events, returns before they are delivered. */
  putEvents(entries: readonly PutEventsRequestEntry[]): PutEventsResult {
    return this.#open().ingest.putEvents(entries);
  }

  createQueue(params: CreateQueueParams): { queueUrl: string; queueArn: string } {
    return this.#open().queues.create(params);
  }

  sendMessage(params: SendMessageParams): { messageId: string; md5OfBody: string } {
    return this.#open().queues.send(params);
  }

  receiveMessages(params: ReceiveMessagesParams): ReceivedMessage[] {
    return this.#open().queues.receive(params);
  }

  deleteMessage(params: { readonly queue: string; readonly receiptHandle: string }): void {
    this.#open().queues.delete(params);
  }

  /** Lists a queue's messages without receiving them (receive counts, last errors). */
  peekMessages(queue: string): QueuedMessage[] {
    return this.#open().queues.peek(queue);
  }

  /** Redrive: moves a DLQ's messages back to its source queue (or to `to`); the count moved. */
  moveMessages(params: { readonly from: string; readonly to?: string }): number {
    return this.#open().queues.move(params);
  }

  /** Feeds a queue to a handler in batches, as a Lambda event source mapping does. */
  createEventSourceMapping(params: CreateEventSourceMappingParams): { uuid: string } {
    return this.#open().mappings.create(params);
  }

  createTopic(params: { readonly name: string }): { topicArn: string } {
    return this.#open().topics.create(params);
  }

  subscribe(params: SubscribeParams): { subscriptionArn: string } {
    return this.#open().topics.subscribe(params);
  }

  publish(params: PublishParams): { MessageId: string } {
    return this.#open().topics.publish(params);
  }

  /** The emails written by email subscriptions, oldest first; `raw` adds each file's text. */
  listOutbox(options: { readonly raw?: boolean } = {}): OutboxEntry[] {
    return this.#open().outbox.list(options);
  }

  createBucket(params: { readonly name: string }): { location: string } {
    return this.#open().buckets.create(params);
  }

  /** PutObject (streamed to disk); emits S3's "Object Created" event on the default bus. */
  putObject(params: PutObjectParams): Promise<{ etag: string }> {
    return this.#open().buckets.put(params);
  }

  /** GetObject: the body as a stream. Throws NoSuchKeyError for a missing key. */
  getObject(params: { readonly bucket: string; readonly key: string }): Readable {
    return this.#open().buckets.get(params);
  }

  listObjects(params: { readonly bucket: string; readonly prefix?: string }): ObjectSummary[] {
    return this.#open().buckets.list(params);
  }

  createArchive(params: CreateArchiveParams): { archiveArn: string } {
    return this.#open().archives.create(params);
  }

  listArchivedEvents(params: ListArchivedEventsParams = {}): ArchivedEventSummary[] {
    return this.#open().archives.list(params);
  }

  /** StartReplay: runs in the background; follow it with describeReplay or runUntilIdle. */
  startReplay(params: StartReplayParams): { replayArn: string; state: ReplayState } {
    return this.#open().replays.start(params);
  }

  describeReplay(name: string): ReplayDescription {
    return this.#open().replays.describe(name);
  }

  /** Deliveries that used every attempt and had no dead-letter queue: never dropped silently. */
  listFailedDeliveries(): FailedDelivery[] {
    return this.#open().dispatcher.listFailed();
  }

  /**
   * Resolves when every delivery, retry, replay and queue mapping has settled (mapped queues
   * empty, nothing in flight).
   *
   * @example await rt.runUntilIdle({ timeoutMs: 10_000 });
   * @throws {IdleTimeoutError} listing what is still pending after `timeoutMs`.
   */
  runUntilIdle(params: { readonly timeoutMs: number }): Promise<void> {
    if (this.#closed) return Promise.reject(new RuntimeClosedError());
    return this.#parts.scheduler.waitUntilIdle(params.timeoutMs);
  }

  /**
   * Stops delivering and closes the file. Work in flight is not lost: it is still pending in
   * the state folder and resumes on the next open. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const { scheduler, dispatcher, mappings, completions, db } = this.#parts;
    scheduler.close();
    dispatcher.close();
    mappings.close();
    try {
      completions.close();
    } finally {
      db.close();
    }
  }

  #open(): RuntimeParts {
    if (this.#closed) throw new RuntimeClosedError();
    return this.#parts;
  }
}

export type { LocalRuntimeOptions };
export { LocalRuntime };
