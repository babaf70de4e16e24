import type { Database, Statement } from 'better-sqlite3';
import type { Archives } from '../archive/archive.ts';
import type { FaultInjector } from '../faults.ts';
import type { Queues } from '../queues/queue.ts';
import type { RuntimeLog } from '../runtime-log.ts';
import type { IdSequence } from '../state/database.ts';
import type { TraceRecorder } from '../trace/recorder.ts';
import type { EventBuses } from './buses.ts';
import {
  assertRequest,
  type EnvelopeContext,
  type EnvelopedEvent,
  envelope,
  type PutEventsEntryError,
  type PutEventsRequestEntry,
} from './envelope.ts';
import { RuleState, type Rules } from './rules.ts';
import type { CompiledTarget } from './targets.ts';

/** The PutEvents response: per entry, in request order, an EventId or an error. */
interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: readonly PutEventsResultEntry[];
}

type PutEventsResultEntry = { readonly EventId: string } | PutEventsEntryError;

/** An event PutEvents accepted for a bus that does not exist, and so dropped (a type: a table row). */
type DroppedEvent = {
  readonly eventId: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  /** The event's own `time`. */
  readonly time: string;
  /** When PutEvents dropped it, ISO 8601. */
  readonly droppedAt: string;
};

interface EventIngestOptions extends EnvelopeContext {
  readonly db: Database;
  /** Told of every PutEvents call that dropped events. */
  readonly log: RuntimeLog;
  readonly buses: EventBuses;
  readonly rules: Rules;
  readonly archives: Archives;
  readonly deliveryIds: IdSequence;
  /** Told that deliveries were written, so the dispatcher wakes without polling. */
  readonly onDeliveries: () => void;
  /** Where queue targets' messages are written, in the PutEvents transaction. */
  readonly queues: Queues;
  /** Duplicates a queue target's message as the dispatcher would (see `#sendToQueue`). */
  readonly faults: FaultInjector;
  /** Records the messages sent to queue targets. @default - nothing recorded */
  readonly trace?: TraceRecorder;
}

/** What storing a PutEvents call wrote: deliveries left to the dispatcher, queues written to. */
interface Stored {
  deliveries: number;
  readonly queues: Set<number>;
}

/**
 * The bus's front door: PutEvents validation, then, in one SQLite transaction per call, each
 * event stored once, its archive entries, and per matching (rule, target) either the queue
 * message (a queue target that takes the whole event: nothing can fail on the way, so the
 * message is written at once instead of a delivery row the dispatcher would turn into it)
 * or a delivery row. It returns before any handler runs, as EventBridge does; the
 * dispatcher delivers the rest.
 *
 * @example ingest.putEvents([{ Source: 'shop', DetailType: 'Ordered', Detail: '{}' }]);
 */
class EventIngest {
  readonly #options: EventIngestOptions;
  readonly #insertEvent: Statement<[number, number, string]>;
  readonly #insertDelivery: Statement<[number, number | bigint, number]>;
  readonly #insertArchived: Statement<[number, number, number | bigint, number]>;
  readonly #insertDropped: Statement<[string, number, string]>;
  readonly #storeAll: (events: readonly EnvelopedEvent[], arrivedAt: number) => Stored;

  constructor(options: EventIngestOptions) {
    this.#options = options;
    const { db } = options;
    this.#insertEvent = db.prepare(
      'INSERT INTO rt_events (bus_id, arrived_at, json) VALUES (?, ?, ?)',
    );
    this.#insertDelivery = db.prepare(
      'INSERT INTO rt_deliveries (id, event_seq, target_id) VALUES (?, ?, ?)',
    );
    this.#insertArchived = db.prepare(
      'INSERT OR IGNORE INTO rt_archive_events (archive_id, arrived_at, event_seq, event_time) VALUES (?, ?, ?, ?)',
    );
    this.#insertDropped = db.prepare(
      'INSERT INTO rt_dropped_events (bus_name, dropped_at, json) VALUES (?, ?, ?)',
    );
    this.#storeAll = db.transaction((events: readonly EnvelopedEvent[], arrivedAt: number) => {
      const stored: Stored = { deliveries: 0, queues: new Set() };
      for (const event of events) this.#store(event, arrivedAt, stored);
      return stored;
    });
  }

  /**
   * PutEvents: validates the call (1 to 10 entries, 256 KB in all) and each entry, stores the
   * valid ones and routes them. An entry for a bus that does not exist gets an EventId and is
   * dropped, as EventBridge does (it reports no failed entry: aws/aws-cli#9186); the runtime
   * keeps it among the dropped events and says so in its log.
   *
   * @throws {ValidationError} when the call as a whole is invalid.
   */
  putEvents(entries: readonly PutEventsRequestEntry[]): PutEventsResult {
    assertRequest(entries);
    const results: PutEventsResultEntry[] = [];
    const valid: EnvelopedEvent[] = [];
    const dropped: EnvelopedEvent[] = [];
    const now = this.#options.clock();
    let failed = 0;
    for (const entry of entries) {
      const result = envelope(entry, this.#options, now);
      if ('ErrorCode' in result) {
        results.push(result);
        failed += 1;
        continue;
      }
      results.push({ EventId: result.id });
      if (this.#options.buses.idOf(result.busName) === undefined) dropped.push(result);
      else valid.push(result);
    }
    if (dropped.length > 0) this.#drop(dropped, now.getTime());
    if (valid.length > 0) this.store(valid, now.getTime());
    return { FailedEntryCount: failed, Entries: results };
  }

  /** The events dropped for want of their bus, oldest first. */
  listDropped(): DroppedEvent[] {
    const rows = this.#options.db
      .prepare('SELECT bus_name, dropped_at, json FROM rt_dropped_events ORDER BY id')
      .all() as { bus_name: string; dropped_at: number; json: string }[];
    return rows.map((row) => {
      const event = JSON.parse(row.json) as Record<string, string>;
      return {
        eventId: event.id ?? '',
        eventBusName: row.bus_name,
        source: event.source ?? '',
        detailType: event['detail-type'] ?? '',
        time: event.time ?? '',
        droppedAt: new Date(row.dropped_at).toISOString(),
      };
    });
  }

  #drop(events: readonly EnvelopedEvent[], droppedAt: number): void {
    this.#options.db.transaction(() => {
      for (const event of events) this.#insertDropped.run(event.busName, droppedAt, event.json);
    })();
    const byBus = new Map<string, number>();
    for (const event of events) byBus.set(event.busName, (byBus.get(event.busName) ?? 0) + 1);
    for (const [bus, count] of byBus) {
      this.#options.log.warn(
        `PutEvents: ${count} event(s) to event bus "${bus}", which does not exist, were dropped. ` +
          'EventBridge does the same and reports success, so check the bus name; the dropped ' +
          'events are listed by listDroppedEvents (txnflow events dropped).',
      );
    }
  }

  /**
   * Stores and routes already-enveloped events (the bucket's own events go this way); joins
   * the caller's transaction when there is one.
   */
  store(events: readonly EnvelopedEvent[], arrivedAt = this.#options.clock().getTime()): void {
    const stored = this.#storeAll(events, arrivedAt);
    for (const queueId of stored.queues) this.#options.queues.notify(queueId);
    if (stored.deliveries > 0) this.#options.onDeliveries();
  }

  #store(event: EnvelopedEvent, arrivedAt: number, stored: Stored): void {
    const { buses, rules, archives } = this.#options;
    const busId = buses.require(event.busName);
    const seq = Number(this.#insertEvent.run(busId, arrivedAt, event.json).lastInsertRowid);
    for (const rule of rules.forBus(busId)) {
      if (rule.state !== RuleState.Enabled || !rule.matches(event.event)) continue;
      for (const target of rule.targets) {
        const queueId = this.#sendToQueue(target, event, seq);
        if (queueId !== undefined) {
          stored.queues.add(queueId);
          continue;
        }
        this.#insertDelivery.run(this.#options.deliveryIds.next(), seq, target.rowId);
        stored.deliveries += 1;
      }
    }
    const eventTime = eventTimeOf(event, arrivedAt);
    for (const archive of archives.forBus(busId)) {
      if (archive.matches(event.event)) {
        this.#insertArchived.run(archive.id, arrivedAt, seq, eventTime);
      }
    }
  }

  /**
   * A queue target that takes the whole event gets its message now (pointing at the stored
   * event), duplicated when the fault injector says so, decided as the dispatcher decides
   * (same target, same event key, first attempt); the queue id, or `undefined` when the
   * target is left to the dispatcher (another kind, an input to render, or a queue that
   * does not exist, which it dead-letters as NO_RESOURCE).
   */
  #sendToQueue(target: CompiledTarget, event: EnvelopedEvent, seq: number): number | undefined {
    const { destination } = target;
    if (destination.kind !== 'queue' || !target.wholeEvent) return undefined;
    const { queues, faults, trace } = this.#options;
    const queue = queues.find(destination.name);
    if (!queue) return undefined;
    const subject = { target: `${target.ruleArn}/${target.id}`, attempt: 1 };
    const copies =
      faults.enabled && faults.duplicate({ ...subject, key: faults.keyOf(event.event) }) ? 2 : 1;
    const messageIds: string[] = [];
    for (let i = 0; i < copies; i += 1) {
      messageIds.push(queues.insert(queue, { eventSeq: seq, replayId: null }, null));
    }
    trace?.record(
      { kind: 'sent', rule: target.ruleName, target: target.id, queue: queue.name, messageIds },
      { eventSeq: seq, replayId: null },
    );
    return queue.id;
  }
}

/** The last event time read: thousands of events share a second, so a text is parsed once. */
const lastEventTime = { text: '', ms: Number.NaN };

/** The event's own `time` in epoch ms (what replay windows select on); else its arrival. */
function eventTimeOf(event: EnvelopedEvent, arrivedAt: number): number {
  const text = String(event.event.time);
  if (text !== lastEventTime.text) {
    lastEventTime.text = text;
    lastEventTime.ms = Date.parse(text);
  }
  return Number.isNaN(lastEventTime.ms) ? arrivedAt : lastEventTime.ms;
}

export type { DroppedEvent, PutEventsResult, PutEventsResultEntry };
export { EventIngest };
