import { randomUUID } from 'node:crypto';
import type { Database } from 'better-sqlite3';
import type { Clock } from '../clock.ts';
import type { Completions } from '../delivery/completions.ts';
import type { HandlerRegistry } from '../delivery/handlers.ts';
import { InconsistentStateError, InjectedFaultError, ValidationError } from '../errors.ts';
import type { FaultInjector } from '../faults.ts';
import { assertName } from '../names.ts';
import type { Worker } from '../scheduler.ts';
import type { TraceRecorder } from '../trace/recorder.ts';
import {
  type ClaimedMessage,
  type MessageSystemAttributes,
  md5,
  type QueueInfo,
  type Queues,
  receiptHandleOf,
  subjectOf,
} from './queue.ts';

interface CreateEventSourceMappingParams {
  readonly queue: string;
  readonly handler: string;
  /** Messages per invocation, 1 to 10000. @default 10 */
  readonly batchSize?: number;
  /** Honour `{ batchItemFailures }` in the handler's answer. @default true */
  readonly reportBatchItemFailures?: boolean;
  /**
   * Invocations in flight at once for this mapping (Lambda's MaximumConcurrency); also how many
   * batches one receive transaction takes. @default 10
   */
  readonly maxConcurrency?: number;
}

/** A message attribute in the Lambda SQS event's shape. */
interface SqsRecordAttribute {
  readonly stringValue: string;
  readonly stringListValues: readonly string[];
  readonly binaryListValues: readonly string[];
  readonly dataType: 'String';
}

/** One record of the Lambda SQS event. */
interface SqsRecord {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly attributes: MessageSystemAttributes;
  readonly messageAttributes: Readonly<Record<string, SqsRecordAttribute>>;
  readonly md5OfBody: string;
  readonly eventSource: 'aws:sqs';
  readonly eventSourceARN: string;
  readonly awsRegion: string;
}

/** The event a queue's handler receives. */
interface SqsEvent {
  readonly Records: readonly SqsRecord[];
}

interface Mapping {
  readonly uuid: string;
  readonly queueId: number;
  readonly handler: string;
  readonly batchSize: number;
  readonly reportFailures: boolean;
  readonly maxConcurrency: number;
  inFlight: number;
  /** Visible messages may be waiting: set by sends and timers, cleared by a short claim. */
  maybeReady: boolean;
  /** When the last claim looked (the clock's ms): every message visible then was taken. */
  lastClaimAt: number;
}

interface MappingRow {
  uuid: string;
  queue_id: number;
  handler: string;
  batch_size: number;
  report_failures: number;
  max_concurrency: number;
}

interface EventSourceMappingsOptions {
  readonly db: Database;
  readonly queues: Queues;
  readonly handlers: HandlerRegistry;
  readonly completions: Completions;
  readonly faults: FaultInjector;
  readonly region: string;
  readonly clock: Clock;
  readonly wake: () => void;
  readonly fail: (error: unknown) => void;
  /** Records each batch and each message's receive. @default - nothing recorded */
  readonly trace?: TraceRecorder;
}

/**
 * Event source mappings: a queue polled for its handler like Lambda's SQS poller. Batches go
 * out with the Lambda SQS event; a thrown error leaves the whole batch, a `batchItemFailures`
 * answer only the items it names (when reported), to reappear after the visibility timeout,
 * be received again, and go to the dead-letter queue once past `maxReceiveCount`. Polling is
 * driven by known work: a message sent, or the timer for the next message turning visible.
 *
 * @example mappings.create({ queue: 'Orders', handler: 'billing.onOrder', batchSize: 10 });
 */
class EventSourceMappings implements Worker {
  readonly #o: EventSourceMappingsOptions;
  readonly #mappings: Mapping[] = [];
  #closed = false;

  constructor(options: EventSourceMappingsOptions) {
    this.#o = options;
    for (const row of options.db
      .prepare('SELECT * FROM rt_mappings ORDER BY id')
      .all() as MappingRow[]) {
      const queue = options.queues.byId(row.queue_id);
      if (queue) this.#remember(row, queue);
    }
  }

  /** Creates the mapping, or updates it when this queue already feeds this handler. */
  create(params: CreateEventSourceMappingParams): { uuid: string } {
    const queue = this.#o.queues.require(params.queue);
    assertName('handler', params.handler);
    const batchSize = params.batchSize ?? 10;
    const maxConcurrency = params.maxConcurrency ?? 10;
    if (!(Number.isInteger(batchSize) && batchSize >= 1 && batchSize <= 10000)) {
      throw new ValidationError(`batchSize must be 1 to 10000, got ${batchSize}`);
    }
    if (!(Number.isInteger(maxConcurrency) && maxConcurrency >= 1 && maxConcurrency <= 1000)) {
      throw new ValidationError(`maxConcurrency must be 1 to 1000, got ${maxConcurrency}`);
    }
    const row = this.#o.db
      .prepare(
        'INSERT INTO rt_mappings (uuid, queue_id, handler, batch_size, report_failures, max_concurrency) ' +
          'VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (queue_id, handler) DO UPDATE SET ' +
          'batch_size = excluded.batch_size, report_failures = excluded.report_failures, ' +
          'max_concurrency = excluded.max_concurrency RETURNING *',
      )
      .get(
        randomUUID(),
        queue.id,
        params.handler,
        batchSize,
        params.reportBatchItemFailures === false ? 0 : 1,
        maxConcurrency,
      ) as MappingRow;
    const existing = this.#mappings.findIndex((m) => m.uuid === row.uuid);
    if (existing !== -1) this.#mappings.splice(existing, 1);
    this.#remember(row, queue);
    this.#o.wake();
    return { uuid: row.uuid };
  }

  /** Messages arrived on a queue. */
  queueChanged(queueId: number): void {
    for (const mapping of this.#mappings) {
      if (mapping.queueId === queueId) mapping.maybeReady = true;
    }
  }

  handlerRegistered(name: string): void {
    for (const mapping of this.#mappings) {
      if (mapping.handler === name) mapping.maybeReady = true;
    }
  }

  step(): boolean {
    let more = false;
    for (const mapping of this.#mappings) {
      if (!mapping.maybeReady || mapping.inFlight >= mapping.maxConcurrency) continue;
      if (!this.#o.handlers.has(mapping.handler)) continue;
      const slots = mapping.maxConcurrency - mapping.inFlight;
      const wanted = slots * mapping.batchSize;
      const queue = this.#queueOf(mapping);
      mapping.lastClaimAt = this.#o.clock.now();
      const claimed = this.#o.queues.hold(queue, wanted, mapping.lastClaimAt);
      if (claimed.length < wanted) mapping.maybeReady = false;
      for (let i = 0; i < claimed.length; i += mapping.batchSize) {
        mapping.inFlight += 1;
        void this.#invoke(mapping, queue, claimed.slice(i, i + mapping.batchSize));
      }
      if (mapping.maybeReady && mapping.inFlight < mapping.maxConcurrency) more = true;
    }
    return more;
  }

  busy(): boolean {
    return this.#mappings.some(
      (mapping) => mapping.inFlight > 0 || this.#o.queues.hasMessages(mapping.queueId),
    );
  }

  pending(): string[] {
    const pending: string[] = [];
    for (const mapping of this.#mappings) {
      const queue = this.#queueOf(mapping);
      const count = this.#o.queues.count(queue.id);
      if (count === 0 && mapping.inFlight === 0) continue;
      const waiting = this.#o.handlers.has(mapping.handler)
        ? ''
        : ` (handler ${mapping.handler} is not registered)`;
      pending.push(
        `queue ${queue.name}: ${count} messages, ${mapping.inFlight} batches in flight to ${mapping.handler}${waiting}`,
      );
    }
    return pending;
  }

  working(): boolean {
    return this.#mappings.some((mapping) => mapping.inFlight > 0);
  }

  nextWakeAt(): number | undefined {
    let at: number | undefined;
    for (const mapping of this.#mappings) {
      if (mapping.maybeReady) continue;
      // Not "after now": a message may have turned visible since the last claim looked, and
      // then the timer must go off at once rather than never.
      const next = this.#o.queues.nextVisibleAfter(mapping.queueId, mapping.lastClaimAt);
      if (next !== undefined && (at === undefined || next < at)) at = next;
    }
    return at;
  }

  timerFired(): void {
    for (const mapping of this.#mappings) mapping.maybeReady = true;
  }

  /** Results of batches still running after this are ignored; their messages reappear. */
  close(): void {
    this.#closed = true;
  }

  async #invoke(mapping: Mapping, queue: QueueInfo, messages: ClaimedMessage[]): Promise<void> {
    const startedAt = this.#o.clock.now();
    const { handedOver, struck, again } = this.#strike(mapping, queue, messages);
    const failures = new Map<string, string>();
    if (struck.length > 0) {
      const injected = new InjectedFaultError(mapping.handler).message;
      for (const message of struck) failures.set(message.messageId, injected);
    }
    await this.#handOver(mapping, queue, handedOver, failures);
    // A duplicate is the same receive handed over again, for the messages it struck.
    await this.#handOver(mapping, queue, again, failures);
    try {
      if (!this.#closed) {
        this.#settle(mapping, messages, failures);
        this.#recordBatch(mapping, queue, messages, failures, startedAt);
      }
    } catch (error) {
      this.#o.fail(error);
    } finally {
      mapping.inFlight -= 1;
      this.#o.wake();
    }
  }

  /**
   * Where injected faults strike this receive: messages that fail before the handler runs,
   * and messages handed over twice. Decided per message (its body and its receives so far),
   * never per batch: which messages share a batch depends on timing, and the same seed must
   * strike the same messages on every run.
   */
  #strike(mapping: Mapping, queue: QueueInfo, messages: readonly ClaimedMessage[]) {
    const { faults } = this.#o;
    if (!faults.enabled) return { handedOver: messages, struck: [], again: [] };
    const target = `${queue.arn} -> ${mapping.handler}`;
    const handedOver: ClaimedMessage[] = [];
    const struck: ClaimedMessage[] = [];
    const again: ClaimedMessage[] = [];
    for (const message of messages) {
      const subject = { target, key: faults.keyOf(message.body), attempt: message.lifeReceives };
      if (faults.fail(subject)) {
        struck.push(message);
        continue;
      }
      handedOver.push(message);
      if (faults.duplicate(subject)) again.push(message);
    }
    return { handedOver, struck, again };
  }

  /** Hands a batch to the handler and notes each message it failed, with why (first reason wins). */
  async #handOver(
    mapping: Mapping,
    queue: QueueInfo,
    batch: readonly ClaimedMessage[],
    failures: Map<string, string>,
  ): Promise<void> {
    if (batch.length === 0) return;
    // Each invocation gets its own event, as each Lambda invocation deserialises its own.
    const event: SqsEvent = { Records: batch.map((m) => this.#record(queue, m)) };
    const attempt = Math.max(...batch.map((m) => m.receiveCount));
    let failed: Set<string> | 'all';
    let reason = 'reported in batchItemFailures';
    try {
      const result = await this.#o.handlers.invoke(mapping.handler, event, attempt);
      failed = mapping.reportFailures ? failedItems(result, batch) : new Set();
      if (failed === 'all') reason = 'batchItemFailures named an item not in the batch';
    } catch (error) {
      failed = 'all';
      reason = error instanceof Error ? error.message : String(error);
    }
    for (const message of batch) {
      const hit = failed === 'all' || failed.has(message.messageId);
      if (hit && !failures.has(message.messageId)) failures.set(message.messageId, reason);
    }
  }

  #settle(
    mapping: Mapping,
    messages: readonly ClaimedMessage[],
    failures: ReadonlyMap<string, string>,
  ): void {
    const queue = this.#queueOf(mapping);
    // One clock reading for the batch: its failed messages reappear together.
    const now = this.#o.clock.now();
    for (const message of messages) {
      const reason = failures.get(message.messageId);
      if (reason !== undefined) {
        this.#o.queues.failHeld(queue, message, reason, now);
      } else {
        // The stored count does not include this receive: holding a message writes nothing.
        this.#o.completions.messageDone(queue.id, message.rowId, message.receiveCount - 1);
      }
    }
  }

  /** Records the batch, and each message's receive with what became of it. */
  #recordBatch(
    mapping: Mapping,
    queue: QueueInfo,
    messages: readonly ClaimedMessage[],
    failures: ReadonlyMap<string, string>,
    startedAt: number,
  ): void {
    const { trace, clock } = this.#o;
    if (!trace?.enabled) return;
    const batchId = randomUUID();
    for (const message of messages) {
      const error = failures.get(message.messageId);
      trace.record(
        {
          kind: 'receive',
          queue: queue.name,
          messageId: message.messageId,
          batchId,
          receiveCount: message.receiveCount,
          ...(error === undefined ? { outcome: 'ok' } : { outcome: 'failed', error }),
        },
        subjectOf({
          message_id: message.messageId,
          body: message.body,
          event_seq: message.eventSeq,
          replay_id: message.replayId,
        }),
      );
    }
    trace.record(
      {
        kind: 'batch',
        batchId,
        queue: queue.name,
        handler: mapping.handler,
        size: messages.length,
        failed: failures.size,
        durationMs: clock.now() - startedAt,
      },
      { ref: batchId },
    );
  }

  /** Queue settings may change after the mapping was made (createQueue is an upsert). */
  #queueOf(mapping: Mapping): QueueInfo {
    const queue = this.#o.queues.byId(mapping.queueId);
    if (!queue) {
      throw new InconsistentStateError(
        `queue #${mapping.queueId} of mapping ${mapping.uuid} is gone`,
      );
    }
    return queue;
  }

  #record(queue: QueueInfo, message: ClaimedMessage): SqsRecord {
    const messageAttributes: Record<string, SqsRecordAttribute> = {};
    const attributes = message.attributesJson
      ? (JSON.parse(message.attributesJson) as Record<string, string>)
      : {};
    for (const [name, value] of Object.entries(attributes)) {
      messageAttributes[name] = {
        stringValue: value,
        stringListValues: [],
        binaryListValues: [],
        dataType: 'String',
      };
    }
    const record = {
      messageId: message.messageId,
      receiptHandle: receiptHandleOf(queue.id, message.rowId, message.receiveCount),
      body: message.body,
      attributes: this.#o.queues.systemAttributes(message),
      messageAttributes,
      md5OfBody: '',
      eventSource: 'aws:sqs',
      eventSourceARN: queue.arn,
      awsRegion: this.#o.region,
    } as const;
    // Few handlers read the MD5; it is computed when read (and when the record is serialised).
    Object.defineProperty(record, 'md5OfBody', { enumerable: true, get: () => md5(message.body) });
    return record;
  }

  #remember(row: MappingRow, queue: QueueInfo): void {
    this.#mappings.push({
      uuid: row.uuid,
      queueId: queue.id,
      handler: row.handler,
      batchSize: row.batch_size,
      reportFailures: row.report_failures === 1,
      maxConcurrency: row.max_concurrency,
      inFlight: 0,
      maybeReady: true,
      lastClaimAt: 0,
    });
  }
}

/**
 * The items a handler reported failed. As Lambda does, an identifier that is empty or names
 * no message of the batch fails the whole batch; no answer (or no list) means all succeeded.
 */
function failedItems(result: unknown, messages: readonly ClaimedMessage[]): Set<string> | 'all' {
  const failures = (result as { batchItemFailures?: unknown } | null | undefined)
    ?.batchItemFailures;
  if (!Array.isArray(failures)) return new Set();
  const ids = new Set(messages.map((m) => m.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return 'all';
    failed.add(id);
  }
  return failed;
}

export type { CreateEventSourceMappingParams, SqsEvent, SqsRecord, SqsRecordAttribute };
export { EventSourceMappings };
