import { resolve } from 'node:path';
import type { Readable } from 'node:stream';
import type { Database } from 'better-sqlite3';
import type {
  ArchivedEventSummary,
  CreateArchiveParams,
  ListArchivedEventsParams,
} from './archive/archive.ts';
import type { ReplayDescription, ReplayState, StartReplayParams } from './archive/replay.ts';
import { assembleRuntime, type RuntimeParts } from './assembly.ts';
import type {
  GetObjectParams,
  ObjectHead,
  ObjectSummary,
  PutObjectParams,
  PutObjectResult,
} from './bucket/bucket.ts';
import type { PutEventsRequestEntry } from './bus/envelope.ts';
import type { DroppedEvent, PutEventsResult } from './bus/put-events.ts';
import type { PutRuleParams, PutTargetsParams, RuleDescription } from './bus/rules.ts';
import type { TargetSpec } from './bus/targets.ts';
import { type Clock, systemClock } from './clock.ts';
import type { FailedDelivery } from './delivery/dispatcher.ts';
import type { Handler } from './delivery/handlers.ts';
import type { RetrySettings } from './delivery/retry.ts';
import {
  ReadOnlyRuntimeError,
  RuntimeClosedError,
  StateFolderBusyError,
  ValidationError,
} from './errors.ts';
import { createFaultInjector, type FaultOptions, parseFaultSpec } from './faults.ts';
import type { CreateEventSourceMappingParams } from './queues/event-source-mapping.ts';
import type {
  ChangeVisibilityParams,
  CreateQueueParams,
  QueueDepth,
  QueuedMessage,
  ReceivedMessage,
  ReceiveMessagesParams,
  SendMessageParams,
} from './queues/queue.ts';
import { type RuntimeLog, stderrLog } from './runtime-log.ts';
import { openStateDatabase, openStateDatabaseReadOnly } from './state/database.ts';
import { DriverLock, readHolder } from './state/driver-lock.ts';
import { groupCommitMsOf } from './state/group-commit.ts';
import type { OutboxEntry } from './topics/email-outbox.ts';
import type { PublishParams, SubscribeParams } from './topics/topic.ts';
import type { FactSubject, TraceFact } from './trace/facts.ts';
import { TraceReader } from './trace/reader.ts';
import { parseTraceSettings, type TraceSettings } from './trace/settings.ts';

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
  /**
   * Whether trace facts are recorded (each attempt, message, receive and dead letter, for
   * `txnflow trace`) and how many are kept.
   * @default - read from `TXNFLOW_TRACE` and `TXNFLOW_TRACE_KEEP` in `env`: on, 1,000,000
   */
  readonly trace?: TraceSettings;
  /** Handler deliveries of rules in flight at once. @default 64 */
  readonly maxConcurrentDeliveries?: number;
  /**
   * The longest the group commit of the runtime's work and its handlers' writes stays open,
   * in ms of real time (see "Delivery, crashes and restarts" in the README).
   * @default - `TXNFLOW_GROUP_COMMIT_MS` in `env`, else 2000
   */
  readonly groupCommitMs?: number;
  /**
   * The folder's driver lock, already taken (after waiting for it, see `DriverLock.acquire`);
   * the runtime owns it from this call on and releases it on close.
   * @default - taken by `open`, which throws StateFolderBusyError if another process holds it
   */
  readonly lock?: DriverLock;
  /** How the lock's holder note names this process. @default - this process's command line */
  readonly owner?: string;
  /** Told what callers would not otherwise see, such as events dropped for want of a bus. @default stderrLog */
  readonly log?: RuntimeLog;
}

/**
 * PutEvents, SendMessage and Publish as a handler calls them: their writes join the group
 * commit open while the runtime works instead of committing it, so a handler's effects are
 * written with the completion of the delivery or message that ran it (and lost with it in a
 * crash, to be redone when it is delivered again). Outside a group each commits on its own.
 * Publish records its emails and writes their files in the background (topics/email-delivery.ts).
 */
interface HandlerCalls {
  putEvents(entries: readonly PutEventsRequestEntry[]): PutEventsResult;
  sendMessage(params: SendMessageParams): { messageId: string; md5OfBody: string };
  changeMessageVisibility(params: ChangeVisibilityParams): void;
  publish(params: PublishParams): { MessageId: string };
}

/** What a read-only runtime needs: where the folder is, and how to name things. */
type ReadOnlyRuntimeOptions = Pick<
  LocalRuntimeOptions,
  'stateDir' | 'accountId' | 'region' | 'clock'
>;

const DEFAULT_RETRY: RetrySettings = { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 2000 };

/** The lock handed over, checked to be the folder's, or the lock taken now without waiting. */
function lockFor(options: LocalRuntimeOptions): DriverLock {
  const { lock, stateDir } = options;
  if (lock) {
    if (lock.released || resolve(lock.stateDir) !== resolve(stateDir)) {
      lock.release();
      throw new ValidationError(`the lock given is not a held lock on ${stateDir}`);
    }
    return lock;
  }
  const taken = DriverLock.tryAcquire(stateDir, options.owner);
  if (!taken) throw new StateFolderBusyError(stateDir, readHolder(stateDir), 0);
  return taken;
}

/**
 * The embedded local runtime: EventBridge (buses, rules, targets, archive, replay), SQS, SNS,
 * S3 and in-process "Lambda" handlers over one SQLite file in a state folder. Deliveries are
 * asynchronous and at-least-once, as on AWS; a process killed mid-run resumes its undelivered
 * work when the state folder is opened again (handlers must be registered again).
 *
 * One runtime at a time drives a state folder (`open` takes its driver lock); any number may
 * read it meanwhile (`openReadOnly`).
 *
 * @example const rt = LocalRuntime.open({ stateDir: '.txnflow' });
 */
class LocalRuntime {
  readonly #parts: RuntimeParts;
  readonly #lock: DriverLock | undefined;
  readonly #handlerCalls: HandlerCalls = {
    putEvents: (entries) => this.#writable('putEvents').ingest.putEvents(entries),
    sendMessage: (params) => this.#writable('sendMessage').queues.send(params),
    changeMessageVisibility: (params) =>
      this.#writable('changeMessageVisibility').queues.changeVisibility(params),
    publish: (params) => this.#writable('publish').topics.publish(params, 'in-background'),
  };
  #closed = false;

  private constructor(parts: RuntimeParts, lock: DriverLock | undefined) {
    this.#parts = parts;
    this.#lock = lock;
  }

  /**
   * Opens (or creates) the state folder as its driver and resumes whatever was pending in it.
   *
   * @example const rt = LocalRuntime.open({ stateDir: '.txnflow', retry: { maxAttempts: 5 } });
   * @throws {InvalidFaultSpecError} when `TXNFLOW_FAULTS` cannot be read.
   * @throws {StateFolderBusyError} when another runtime drives the folder (see `options.lock`).
   * @throws {DamagedStateFolderError} when `runtime.sqlite` is gone but what it indexed is not.
   */
  static open(options: LocalRuntimeOptions): LocalRuntime {
    const retry = { ...DEFAULT_RETRY, ...options.retry };
    if (!(Number.isInteger(retry.maxAttempts) && retry.maxAttempts >= 1)) {
      options.lock?.release();
      throw new ValidationError(`retry.maxAttempts must be a whole number >= 1`);
    }
    const lock = lockFor(options);
    try {
      const env = options.env ?? process.env;
      const faults = createFaultInjector(
        options.faults ?? parseFaultSpec(env.TXNFLOW_FAULTS ?? ''),
      );
      const trace = options.trace ?? parseTraceSettings(env);
      const groupCommitMs = options.groupCommitMs ?? groupCommitMsOf(env);
      const db = openStateDatabase(options.stateDir);
      try {
        const parts = assembleRuntime({
          ...LocalRuntime.#naming(options),
          db,
          retry,
          faults,
          maxConcurrentDeliveries: options.maxConcurrentDeliveries ?? 64,
          log: options.log ?? stderrLog,
          trace,
          ...(groupCommitMs !== undefined ? { groupCommitMs } : {}),
          readOnly: false,
        });
        return new LocalRuntime(parts, lock);
      } catch (error) {
        db.close();
        throw error;
      }
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /**
   * Opens the state folder read-only, beside whichever runtime drives it: listings, peeks and
   * reads work; anything that writes or delivers throws ReadOnlyRuntimeError. `undefined`
   * while the folder is not set up yet (new, or its driver is creating it right now).
   *
   * @example const rt = LocalRuntime.openReadOnly({ stateDir: '.txnflow' }); rt?.peekMessages('Orders');
   */
  static openReadOnly(options: ReadOnlyRuntimeOptions): LocalRuntime | undefined {
    const db = openStateDatabaseReadOnly(options.stateDir);
    if (!db) return undefined;
    try {
      const parts = assembleRuntime({
        ...LocalRuntime.#naming(options),
        db,
        retry: DEFAULT_RETRY,
        faults: createFaultInjector({}),
        maxConcurrentDeliveries: 1,
        log: stderrLog,
        trace: { enabled: false },
        readOnly: true,
      });
      return new LocalRuntime(parts, undefined);
    } catch (error) {
      db.close();
      throw error;
    }
  }

  static #naming(options: ReadOnlyRuntimeOptions) {
    return {
      stateDir: options.stateDir,
      accountId: options.accountId ?? '000000000000',
      region: options.region ?? 'local-1',
      clock: options.clock ?? systemClock,
    };
  }

  /** The runtime's time: what stamps its events, messages and trace facts. */
  get clock(): Clock {
    return this.#parts.clock;
  }

  /** False for a runtime from `openReadOnly`. */
  get drives(): boolean {
    return this.#lock !== undefined;
  }

  /** The SQLite database; services create their own tables in it (the runtime's are `rt_*`). */
  get db(): Database {
    return this.#open().db;
  }

  /** CreateEventBus, idempotent; `default` always exists. */
  createEventBus(params: { readonly name: string }): { eventBusArn: string } {
    return this.#write('createEventBus', (parts) => parts.buses.create(params.name));
  }

  /** PutRule: creates or replaces a rule; the pattern is validated (InvalidEventPatternError). */
  putRule(params: PutRuleParams): { ruleArn: string } {
    return this.#write('putRule', (parts) => parts.rules.put(params));
  }

  /** PutTargets: adds or replaces targets by id, at most five per rule. */
  putTargets(params: PutTargetsParams): { FailedEntryCount: 0; FailedEntries: [] } {
    return this.#write('putTargets', (parts) => parts.rules.putTargets(params));
  }

  listRules(eventBusName?: string): RuleDescription[] {
    return this.#open().rules.list(eventBusName);
  }

  /** A rule's targets as put (ListTargetsByRule), retry policy and dead-letter queue included. */
  listTargetsByRule(params: {
    readonly rule: string;
    readonly eventBusName?: string;
  }): TargetSpec[] {
    return this.#open().rules.targetsOf(params);
  }

  /** Registers an in-process handler ("Lambda"); work waiting for it starts now. */
  registerHandler(name: string, handler: Handler): void {
    this.#writable('registerHandler').handlers.register(name, handler);
  }

  /**
   * PutEvents: stores and routes the events, returns before they are delivered. An event for a
   * bus that does not exist gets an EventId and is dropped, as on AWS: the log says so and
   * {@link listDroppedEvents} lists it.
   */
  putEvents(entries: readonly PutEventsRequestEntry[]): PutEventsResult {
    return this.#write('putEvents', (parts) => parts.ingest.putEvents(entries));
  }

  /**
   * The calls a handler makes (the local wiring hands these to the services): see
   * {@link HandlerCalls}. The plain calls (`putEvents`, ...) are durable on return.
   *
   * @example const { putEvents } = rt.handlerCalls; // inside a handler
   */
  get handlerCalls(): HandlerCalls {
    return this.#handlerCalls;
  }

  /** Events PutEvents dropped because their bus does not exist, oldest first. */
  listDroppedEvents(): DroppedEvent[] {
    return this.#open().ingest.listDropped();
  }

  createQueue(params: CreateQueueParams): { queueUrl: string; queueArn: string } {
    return this.#write('createQueue', (parts) => parts.queues.create(params));
  }

  sendMessage(params: SendMessageParams): { messageId: string; md5OfBody: string } {
    return this.#write('sendMessage', (parts) => parts.queues.send(params));
  }

  receiveMessages(params: ReceiveMessagesParams): ReceivedMessage[] {
    return this.#write('receiveMessages', (parts) => parts.queues.receive(params));
  }

  deleteMessage(params: { readonly queue: string; readonly receiptHandle: string }): void {
    this.#write('deleteMessage', (parts) => parts.queues.delete(params));
  }

  /** ChangeMessageVisibility: the message becomes visible `visibilityTimeoutSeconds` from now. */
  changeMessageVisibility(params: ChangeVisibilityParams): void {
    this.#write('changeMessageVisibility', (parts) => parts.queues.changeVisibility(params));
  }

  /** Lists a queue's messages without receiving them (receive counts, last errors). */
  peekMessages(queue: string): QueuedMessage[] {
    return this.#open().queues.peek(queue);
  }

  /** Every queue with its depth, as ListQueues and GetQueueAttributes tell, by name. */
  listQueues(): QueueDepth[] {
    return this.#open().queues.list();
  }

  /** Redrive: moves a DLQ's messages back to its source queue (or to `to`); the count moved. */
  moveMessages(params: { readonly from: string; readonly to?: string }): number {
    return this.#write('moveMessages', (parts) => parts.queues.move(params));
  }

  /** Feeds a queue to a handler in batches, as a Lambda event source mapping does. */
  createEventSourceMapping(params: CreateEventSourceMappingParams): { uuid: string } {
    return this.#write('createEventSourceMapping', (parts) => parts.mappings.create(params));
  }

  createTopic(params: { readonly name: string }): { topicArn: string } {
    return this.#write('createTopic', (parts) => parts.topics.create(params));
  }

  subscribe(params: SubscribeParams): { subscriptionArn: string } {
    return this.#write('subscribe', (parts) => parts.topics.subscribe(params));
  }

  publish(params: PublishParams): { MessageId: string } {
    return this.#write('publish', (parts) => parts.topics.publish(params));
  }

  /** The emails written by email subscriptions, oldest first; `raw` adds each file's text. */
  listOutbox(options: { readonly raw?: boolean } = {}): OutboxEntry[] {
    const parts = this.#open();
    if (this.drives) parts.emails.writeWaitingNow();
    return parts.outbox.list(options);
  }

  /** CreateBucket; `versioned` keeps every version of its objects (PutBucketVersioning). */
  createBucket(params: { readonly name: string; readonly versioned?: boolean }): {
    location: string;
  } {
    return this.#write('createBucket', (parts) => parts.buckets.create(params));
  }

  /**
   * PutObject (streamed to disk); emits S3's "Object Created" event on the default bus. In a
   * versioned bucket the answer carries the new version's id.
   */
  putObject(params: PutObjectParams): Promise<PutObjectResult> {
    const parts = this.#writable('putObject');
    return parts.buckets.put(params).then((result) => this.#durable(parts, result));
  }

  /**
   * GetObject: the body as a stream, of the current version or of `versionId`, only the bytes
   * of `range` when given. Throws NoSuchKeyError for a missing key, NoSuchVersionError for a
   * version the key does not have, InvalidRangeError for a range past the end.
   */
  getObject(params: GetObjectParams): Readable {
    return this.#open().buckets.get(params);
  }

  /** Where the body of an object (its current version, or `versionId`) is on disk. */
  objectPath(params: Omit<GetObjectParams, 'range'>): string {
    return this.#open().buckets.pathOf(params);
  }

  /** HeadObject: the size and ETag of the current version, or of `versionId`. */
  headObject(params: Omit<GetObjectParams, 'range'>): ObjectHead {
    return this.#open().buckets.head(params);
  }

  listObjects(params: { readonly bucket: string; readonly prefix?: string }): ObjectSummary[] {
    return this.#open().buckets.list(params);
  }

  createArchive(params: CreateArchiveParams): { archiveArn: string } {
    return this.#write('createArchive', (parts) => parts.archives.create(params));
  }

  listArchivedEvents(params: ListArchivedEventsParams = {}): ArchivedEventSummary[] {
    return this.#open().archives.list(params);
  }

  /** StartReplay: runs in the background; follow it with describeReplay or runUntilIdle. */
  startReplay(params: StartReplayParams): { replayArn: string; state: ReplayState } {
    return this.#write('startReplay', (parts) => parts.replays.start(params));
  }

  /** CancelReplay: CANCELLING now, CANCELLED at the replay's next turn. */
  cancelReplay(name: string): { replayArn: string; state: ReplayState } {
    return this.#write('cancelReplay', (parts) => parts.replays.cancel(name));
  }

  describeReplay(name: string): ReplayDescription {
    return this.#open().replays.describe(name);
  }

  /**
   * Records a trace fact about work done outside the runtime's own workers (a redrive that
   * hands an event to a handler, a service's log line); written with the next turn's writes.
   * Nothing is recorded when tracing is off or the runtime only reads.
   *
   * @example rt.recordTraceFact({ kind: 'log', service: 'ingest', level: 'info', message, fields }, { ref: correlationId });
   */
  recordTraceFact(fact: TraceFact, subject: FactSubject): void {
    this.#open().trace.record(fact, subject);
  }

  /** Whether trace facts are being recorded. */
  get tracing(): boolean {
    return this.#open().trace.enabled;
  }

  /** Reads events, trace facts, open deliveries and replays, for `txnflow trace`. */
  traceReader(): TraceReader {
    const { db, buses, rules } = this.#open();
    return new TraceReader(db, buses, rules);
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
    if (!this.drives) return Promise.reject(new ReadOnlyRuntimeError('runUntilIdle'));
    return this.#parts.scheduler.waitUntilIdle(params.timeoutMs);
  }

  /**
   * Stops delivering, closes the file and lets the next driver in. Work in flight is not
   * lost: it is still pending in the state folder and resumes on the next open. Idempotent.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const { scheduler, dispatcher, mappings, completions, group, db } = this.#parts;
    scheduler.close();
    dispatcher.close();
    mappings.close();
    try {
      this.#parts.emails.close();
      completions.close();
      group.commit();
    } finally {
      // The worker's connection first: the last one to close checkpoints and removes the WAL.
      this.#parts.checkpointer.close();
      db.close();
      // Only once the file is closed: the next driver must not see this one's last writes
      // still under way.
      this.#lock?.release();
    }
  }

  #open(): RuntimeParts {
    if (this.#closed) throw new RuntimeClosedError();
    return this.#parts;
  }

  /**
   * Runs a write and returns once it is durable: a group commit open meanwhile (handlers at
   * work) is committed with it, unless the caller runs it inside a transaction of its own,
   * which it then joins.
   */
  #write<T>(operation: string, act: (parts: RuntimeParts) => T): T {
    const parts = this.#writable(operation);
    return this.#durable(parts, act(parts));
  }

  #durable<T>(parts: RuntimeParts, result: T): T {
    try {
      // Committed now, or by its own transaction: either way the WAL may want a checkpoint.
      if (!parts.group.commit()) parts.checkpointer.afterCommit();
    } catch (error) {
      parts.scheduler.fail(error);
      throw error;
    }
    return result;
  }

  #writable(operation: string): RuntimeParts {
    const parts = this.#open();
    if (!this.drives) throw new ReadOnlyRuntimeError(operation);
    return parts;
  }
}

export type { HandlerCalls, LocalRuntimeOptions, ReadOnlyRuntimeOptions };
export { LocalRuntime };
