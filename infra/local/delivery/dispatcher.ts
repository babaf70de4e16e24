import type { Database, Statement } from 'better-sqlite3';
import type { Rules } from '../bus/rules.ts';
import type { CompiledTarget } from '../bus/targets.ts';
import type { Clock } from '../clock.ts';
import {
  InconsistentStateError,
  InjectedFaultError,
  ResourceNotFoundError,
  ValidationError,
} from '../errors.ts';
import type { FaultInjector, FaultSubject } from '../faults.ts';
import type { Queues } from '../queues/queue.ts';
import type { Worker } from '../scheduler.ts';
import type { Topics } from '../topics/topic.ts';
import type { TraceRecorder } from '../trace/recorder.ts';
import type { Completions } from './completions.ts';
import { DueQueue } from './due-queue.ts';
import type { HandlerRegistry } from './handlers.ts';
import { InvalidTransformedInputError } from './input-transformer.ts';
import {
  DeliveryErrorCode,
  deadLetterAttributes,
  decideRetry,
  type RetrySettings,
} from './retry.ts';

/** A delivery row; the event it carries is read only when the target needs its text. */
interface DeliveryRow {
  readonly id: number;
  readonly event_seq: number;
  readonly replay_id: number | null;
  readonly target_id: number;
  readonly attempts: number;
  readonly due_at: number;
  readonly state: number;
}

/** The stored event of a delivery, with the replay that sent it. */
interface StoredEvent {
  readonly json: string;
  readonly arrived_at: number;
  readonly replay_name: string | null;
}

/** A delivery no attempt could complete and that had no dead-letter queue to go to. */
interface FailedDelivery {
  readonly deliveryId: number;
  readonly eventId: string;
  readonly rule: string;
  readonly target: string;
  readonly attempts: number;
  readonly error: string;
}

/** Where a delivery stands: waiting or in flight (0), given up without a DLQ (2). */
const DeliveryState = { Pending: 0, Failed: 2 } as const;

interface DispatcherOptions {
  readonly db: Database;
  readonly rules: Rules;
  readonly queues: Queues;
  readonly topics: Topics;
  readonly handlers: HandlerRegistry;
  readonly completions: Completions;
  readonly faults: FaultInjector;
  readonly retry: RetrySettings;
  readonly clock: Clock;
  /** Handler invocations in flight at once. */
  readonly maxConcurrency: number;
  readonly wake: () => void;
  readonly fail: (error: unknown) => void;
  /** Records each attempt, message sent and dead letter. @default - nothing recorded */
  readonly trace?: TraceRecorder;
}

/** Rows read per turn: big enough to amortise a transaction, small enough to stay responsive. */
const BATCH = 512;
const SELECT_DELIVERY =
  'SELECT id, event_seq, replay_id, target_id, attempts, due_at, state FROM rt_deliveries ';

/**
 * Delivers stored events to their targets. It reads deliveries in id order with a cursor
 * (nothing is written to claim them: a delivery in flight is only in memory, so a killed
 * process leaves it pending, and the next open delivers it again). Queue and topic targets are
 * written in bulk, one transaction per batch; handler targets run with bounded concurrency and
 * their successes are deleted in the next flush. Failures retry with backoff, then go to the
 * target's dead-letter queue with EventBridge's attributes, or are kept as failed.
 *
 * @example const dispatcher = new Dispatcher(options); scheduler = new Scheduler([dispatcher], flush);
 */
class Dispatcher implements Worker {
  readonly #o: DispatcherOptions;
  readonly #selectBatch: Statement<[number, number], DeliveryRow>;
  readonly #selectOne: Statement<[number], DeliveryRow>;
  readonly #selectEvent: Statement<[number | null, number], StoredEvent>;
  readonly #deleteDelivery: Statement<[number]>;
  readonly #scheduleRetry: Statement<[number, number, string, number]>;
  readonly #markFailed: Statement<[number, number, string, number]>;
  readonly #deliverBulk: (rows: readonly DeliveryRow[]) => Set<number>;
  readonly #retries = new DueQueue();
  readonly #parked = new Map<string, number[]>();
  readonly #reread: number[] = [];
  #ready: DeliveryRow[] = [];
  #cursor = 0;
  #exhausted = false;
  #inFlight = 0;
  #closed = false;

  constructor(options: DispatcherOptions) {
    this.#o = options;
    const { db } = options;
    this.#selectBatch = db.prepare(`${SELECT_DELIVERY}WHERE id > ? ORDER BY id LIMIT ?`);
    this.#selectOne = db.prepare(`${SELECT_DELIVERY}WHERE id = ?`);
    this.#selectEvent = db.prepare(
      'SELECT e.json, e.arrived_at, r.name AS replay_name FROM rt_events e ' +
        'LEFT JOIN rt_replays r ON r.id = ? WHERE e.seq = ?',
    );
    this.#deleteDelivery = db.prepare('DELETE FROM rt_deliveries WHERE id = ?');
    this.#scheduleRetry = db.prepare(
      'UPDATE rt_deliveries SET attempts = ?, due_at = ?, last_error = ? WHERE id = ?',
    );
    this.#markFailed = db.prepare(
      `UPDATE rt_deliveries SET attempts = ?, due_at = ?, last_error = ?, state = ${DeliveryState.Failed} WHERE id = ?`,
    );
    this.#deliverBulk = db.transaction((rows: readonly DeliveryRow[]) => this.#writeBulk(rows));
  }

  /** New deliveries were written (PutEvents, a replay): read past the cursor again. */
  deliveriesAdded(): void {
    this.#exhausted = false;
  }

  /** A handler arrived: deliveries that waited for it go out. */
  handlerRegistered(name: string): void {
    const parked = this.#parked.get(name);
    if (!parked) return;
    this.#parked.delete(name);
    this.#reread.push(...parked);
  }

  step(): boolean {
    const now = this.#o.clock.now();
    const again = this.#reread.splice(0, this.#reread.length);
    again.push(...this.#retries.popDue(now, BATCH));
    if (again.length > 0) {
      const rows = again.flatMap((id) => this.#selectOne.get(id) ?? []);
      this.#route(rows, now);
    }
    if (!this.#exhausted && this.#ready.length < BATCH) {
      const rows = this.#selectBatch.all(this.#cursor, BATCH);
      if (rows.length < BATCH) this.#exhausted = true;
      const last = rows[rows.length - 1];
      if (last) this.#cursor = last.id;
      this.#route(rows, now);
    }
    this.#startHandlers();
    const due = (this.#retries.nextAt() ?? Number.POSITIVE_INFINITY) <= this.#o.clock.now();
    return due || (!this.#exhausted && this.#ready.length < BATCH);
  }

  busy(): boolean {
    return (
      !this.#exhausted ||
      this.#ready.length > 0 ||
      this.#inFlight > 0 ||
      this.#retries.size > 0 ||
      this.#reread.length > 0 ||
      this.#parked.size > 0
    );
  }

  pending(): string[] {
    const pending: string[] = [];
    if (!this.#exhausted) pending.push('deliveries not yet read');
    if (this.#ready.length > 0) pending.push(`${this.#ready.length} deliveries ready`);
    if (this.#inFlight > 0) pending.push(`${this.#inFlight} handler deliveries in flight`);
    if (this.#retries.size > 0) pending.push(`${this.#retries.size} deliveries waiting to retry`);
    if (this.#reread.length > 0) pending.push(`${this.#reread.length} deliveries to re-read`);
    for (const [name, ids] of this.#parked) {
      pending.push(`${ids.length} deliveries waiting for handler ${name} to be registered`);
    }
    return pending;
  }

  working(): boolean {
    return this.#inFlight > 0;
  }

  nextWakeAt(): number | undefined {
    return this.#retries.nextAt();
  }

  /** Deliveries given up without a dead-letter queue, for listings. */
  listFailed(): FailedDelivery[] {
    const rows = this.#o.db
      .prepare(
        'SELECT d.id, d.target_id, d.attempts, d.last_error, e.json FROM rt_deliveries d ' +
          `JOIN rt_events e ON e.seq = d.event_seq WHERE d.state = ${DeliveryState.Failed} ORDER BY d.id`,
      )
      .all() as {
      id: number;
      target_id: number;
      attempts: number;
      last_error: string | null;
      json: string;
    }[];
    return rows.map((row) => {
      const target = this.#o.rules.target(row.target_id);
      return {
        deliveryId: row.id,
        eventId: (JSON.parse(row.json) as { id: string }).id,
        rule: target?.ruleName ?? '(removed)',
        target: target?.id ?? '(removed)',
        attempts: row.attempts,
        error: row.last_error ?? '',
      };
    });
  }

  /** Late handler results after this are ignored: those deliveries stay pending in the file. */
  close(): void {
    this.#closed = true;
  }

  #route(rows: readonly DeliveryRow[], now: number): void {
    const bulk: DeliveryRow[] = [];
    for (const row of rows) {
      if (row.state === DeliveryState.Failed) continue;
      if (row.due_at > now) {
        this.#retries.push(row.id, row.due_at);
        continue;
      }
      const target = this.#o.rules.target(row.target_id);
      if (!target) {
        this.#markFailed.run(row.attempts, now, 'the target no longer exists', row.id);
      } else if (target.destination.kind !== 'handler') {
        bulk.push(row);
      } else if (!this.#o.handlers.has(target.destination.name)) {
        const parked = this.#parked.get(target.destination.name) ?? [];
        parked.push(row.id);
        this.#parked.set(target.destination.name, parked);
      } else {
        this.#ready.push(row);
      }
    }
    if (bulk.length === 0) return;
    const touched = this.#deliverBulk(bulk);
    for (const queueId of touched) this.#o.queues.notify(queueId);
  }

  /** Queue and topic targets: every write of the batch, and the deletes, in one transaction. */
  #writeBulk(rows: readonly DeliveryRow[]): Set<number> {
    const touched = new Set<number>();
    for (const row of rows) {
      const target = this.#o.rules.target(row.target_id) as CompiledTarget;
      const { destination } = target;
      const fault = this.#faultSubject(row, target);
      const copies = fault && this.#o.faults.duplicate(fault) ? 2 : 1;
      if (destination.kind === 'queue') {
        const queue = this.#o.queues.find(destination.name);
        if (!queue) {
          this.#failed(
            row,
            target,
            DeliveryErrorCode.NoResource,
            `Queue ${destination.name} does not exist.`,
          );
          continue;
        }
        // A whole event is stored once: the message points at it instead of copying it.
        const content = target.wholeEvent
          ? { eventSeq: row.event_seq, replayId: row.replay_id }
          : this.#renderOrFail(row, target);
        if (content === undefined) continue;
        const messageIds: string[] = [];
        for (let i = 0; i < copies; i += 1) {
          messageIds.push(this.#o.queues.insert(queue, content, null));
        }
        this.#sent(row, target, { queue: destination.name, messageIds });
        touched.add(queue.id);
      } else {
        const message = this.#renderOrFail(row, target);
        if (message === undefined) continue;
        try {
          const messageIds: string[] = [];
          for (let i = 0; i < copies; i += 1) {
            messageIds.push(this.#o.topics.publish({ topic: destination.name, message }).MessageId);
          }
          this.#sent(row, target, { topic: destination.name, messageIds });
        } catch (error) {
          this.#failed(row, target, errorCodeOf(error), messageOf(error));
          continue;
        }
      }
      this.#deleteDelivery.run(row.id);
    }
    return touched;
  }

  #sent(
    row: DeliveryRow,
    target: CompiledTarget,
    to: { queue?: string; topic?: string; messageIds: string[] },
  ): void {
    this.#o.trace?.record(
      { kind: 'sent', rule: target.ruleName, target: target.id, ...to },
      { eventSeq: row.event_seq, replayId: row.replay_id },
    );
  }

  #eventOf(row: DeliveryRow): StoredEvent {
    const event = this.#selectEvent.get(row.replay_id, row.event_seq);
    if (!event) {
      throw new InconsistentStateError(`event #${row.event_seq} of delivery #${row.id} is missing`);
    }
    return event;
  }

  /** The rendered body, or `undefined` when rendering failed and the failure was recorded. */
  #renderOrFail(row: DeliveryRow, target: CompiledTarget): string | undefined {
    try {
      return this.#render(row, target);
    } catch (error) {
      if (!(error instanceof InvalidTransformedInputError)) throw error;
      this.#failed(row, target, DeliveryErrorCode.InvalidJson, error.message);
      return undefined;
    }
  }

  #render(row: DeliveryRow, target: CompiledTarget): string {
    const event = this.#eventOf(row);
    return target.render({
      eventJson: event.json,
      arrivedAt: event.arrived_at,
      replayName: event.replay_name,
    }).body;
  }

  #startHandlers(): void {
    const { maxConcurrency } = this.#o;
    let started = 0;
    while (this.#inFlight < maxConcurrency && started < this.#ready.length) {
      const row = this.#ready[started] as DeliveryRow;
      started += 1;
      this.#inFlight += 1;
      void this.#invoke(row);
    }
    if (started > 0) this.#ready = this.#ready.slice(started);
  }

  async #invoke(row: DeliveryRow): Promise<void> {
    const target = this.#o.rules.target(row.target_id) as CompiledTarget;
    const name = target.destination.name;
    const startedAt = this.#o.clock.now();
    try {
      const event = this.#eventOf(row);
      const payload = target.render({
        eventJson: event.json,
        arrivedAt: event.arrived_at,
        replayName: event.replay_name,
      });
      const fault = this.#faultSubject(row, target, event);
      if (fault && this.#o.faults.fail(fault)) throw new InjectedFaultError(name);
      // A duplicate is the same attempt handed over again: it fails (above) with the first.
      const twice = fault !== undefined && this.#o.faults.duplicate(fault);
      await this.#o.handlers.invoke(name, payload.value(), row.attempts + 1);
      if (twice) await this.#o.handlers.invoke(name, payload.value(), row.attempts + 1);
      this.#o.completions.deliveryDone(row.id);
      this.#attempted(row, target, startedAt, {
        outcome: 'ok',
        ...(twice ? { duplicated: true } : {}),
      });
    } catch (error) {
      if (!this.#closed) {
        try {
          const code =
            error instanceof InvalidTransformedInputError
              ? DeliveryErrorCode.InvalidJson
              : DeliveryErrorCode.HandlerError;
          this.#failed(row, target, code, messageOf(error), startedAt);
        } catch (storageError) {
          this.#o.fail(storageError);
        }
      }
    } finally {
      this.#inFlight -= 1;
      this.#o.wake();
    }
  }

  /**
   * What a fault decision on this attempt of the delivery is about; `undefined` without faults
   * (then the event is not read for it). The event's key, not the delivery's id: ids follow
   * the order events arrive in, which varies from run to run.
   */
  #faultSubject(
    row: DeliveryRow,
    target: CompiledTarget,
    event?: StoredEvent,
  ): FaultSubject | undefined {
    const { faults } = this.#o;
    if (!faults.enabled) return undefined;
    const stored = event ?? this.#eventOf(row);
    const parsed = JSON.parse(stored.json) as Record<string, unknown>;
    const key = faults.keyOf(
      stored.replay_name ? { ...parsed, 'replay-name': stored.replay_name } : parsed,
    );
    return { target: `${target.ruleArn}/${target.id}`, key, attempt: row.attempts + 1 };
  }

  /** Records a handler attempt: when it started, how long it took, how it ended. */
  #attempted(
    row: DeliveryRow,
    target: CompiledTarget,
    startedAt: number,
    end: { outcome: 'ok' | 'failed'; error?: string; retryAt?: number; duplicated?: boolean },
  ): void {
    const { trace, clock } = this.#o;
    if (!trace?.enabled) return;
    trace.record(
      {
        kind: 'attempt',
        rule: target.ruleName,
        target: target.id,
        destination: target.destination.name,
        attempt: row.attempts + 1,
        durationMs: clock.now() - startedAt,
        ...end,
      },
      { eventSeq: row.event_seq, replayId: row.replay_id },
    );
  }

  /** One attempt failed: schedule the retry, or dead-letter it, or keep it as failed. */
  #failed(
    row: DeliveryRow,
    target: CompiledTarget,
    errorCode: DeliveryErrorCode,
    message: string,
    startedAt = this.#o.clock.now(),
  ) {
    const attemptsMade = row.attempts + 1;
    const now = this.#o.clock.now();
    const decision = decideRetry({
      errorCode,
      attemptsMade,
      maxAttempts: target.maxAttempts,
      maxEventAgeMs: target.maxEventAgeMs,
      eventAgeMs: now - this.#eventOf(row).arrived_at,
      settings: this.#o.retry,
    });
    if (decision.retry) {
      const dueAt = now + decision.delayMs;
      this.#scheduleRetry.run(attemptsMade, dueAt, message, row.id);
      this.#retries.push(row.id, dueAt);
      this.#attempted(row, target, startedAt, {
        outcome: 'failed',
        error: message,
        retryAt: dueAt,
      });
      return;
    }
    this.#attempted(row, target, startedAt, { outcome: 'failed', error: message });
    const about = { eventSeq: row.event_seq, replayId: row.replay_id };
    const dlq = target.deadLetterQueue ? this.#o.queues.find(target.deadLetterQueue) : undefined;
    if (!dlq) {
      const why = target.deadLetterQueue
        ? `${message} (dead-letter queue ${target.deadLetterQueue} does not exist)`
        : message;
      this.#markFailed.run(attemptsMade, now, why, row.id);
      const rule = { rule: target.ruleName, target: target.id };
      this.#o.trace?.record(
        { kind: 'undeliverable', ...rule, error: why, attempts: attemptsMade },
        about,
      );
      return;
    }
    const attributes = deadLetterAttributes({
      ruleArn: target.ruleArn,
      targetArn: target.arn,
      errorCode,
      errorMessage: message,
      attemptsMade,
      exhausted: decision.exhausted,
    });
    const messageId = this.#o.db.transaction(() => {
      const event = { eventSeq: row.event_seq, replayId: row.replay_id };
      const id = this.#o.queues.insert(dlq, event, JSON.stringify(attributes));
      this.#deleteDelivery.run(row.id);
      return id;
    })();
    this.#o.queues.notify(dlq.id);
    this.#o.trace?.record(
      {
        kind: 'dead-lettered',
        rule: target.ruleName,
        target: target.id,
        queue: dlq.name,
        messageId,
        error: message,
        attempts: attemptsMade,
        ...(decision.exhausted ? { exhausted: decision.exhausted } : {}),
      },
      about,
    );
  }
}

/**
 * A target that is gone, or a message it refuses as invalid, fails the same way every time and
 * is not retried; anything else on the runtime's side is.
 */
function errorCodeOf(error: unknown): DeliveryErrorCode {
  if (error instanceof ResourceNotFoundError) return DeliveryErrorCode.NoResource;
  if (error instanceof ValidationError) return DeliveryErrorCode.InvalidParameter;
  return DeliveryErrorCode.InternalError;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export type { FailedDelivery };
export { Dispatcher };
