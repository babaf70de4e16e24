import type { Database, Statement } from 'better-sqlite3';
import type { Archives } from '../archive/archive.ts';
import type { IdSequence } from '../state/database.ts';
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

/** The PutEvents response: per entry, in request order, an EventId or an error. */
interface PutEventsResult {
  readonly FailedEntryCount: number;
  readonly Entries: readonly PutEventsResultEntry[];
}

type PutEventsResultEntry = { readonly EventId: string } | PutEventsEntryError;

interface EventIngestOptions extends EnvelopeContext {
  readonly db: Database;
  readonly buses: EventBuses;
  readonly rules: Rules;
  readonly archives: Archives;
  readonly deliveryIds: IdSequence;
  /** Told that deliveries were written, so the dispatcher wakes without polling. */
  readonly onDeliveries: () => void;
}

/**
 * The bus's front door: PutEvents validation, then, in one SQLite transaction per call, each
 * event stored once, one delivery row per matching (rule, target), and its archive entries.
 * It returns before anything is delivered, as EventBridge does; the dispatcher delivers.
 *
 * @example ingest.putEvents([{ Source: 'shop', DetailType: 'Ordered', Detail: '{}' }]);
 */
class EventIngest {
  readonly #options: EventIngestOptions;
  readonly #insertEvent: Statement<[number, number, string]>;
  readonly #insertDelivery: Statement<[number, number | bigint, number]>;
  readonly #insertArchived: Statement<[number, number, number | bigint, number]>;
  readonly #storeAll: (events: readonly EnvelopedEvent[], arrivedAt: number) => number;

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
    this.#storeAll = db.transaction((events: readonly EnvelopedEvent[], arrivedAt: number) => {
      let deliveries = 0;
      for (const event of events) deliveries += this.#store(event, arrivedAt);
      return deliveries;
    });
  }

  /**
   * PutEvents: validates the call (1 to 10 entries, 256 KB in all) and each entry, stores the
   * valid ones and routes them. An unknown bus fails that entry only, as on AWS.
   *
   * @throws {ValidationError} when the call as a whole is invalid.
   */
  putEvents(entries: readonly PutEventsRequestEntry[]): PutEventsResult {
    assertRequest(entries);
    const results: PutEventsResultEntry[] = [];
    const valid: EnvelopedEvent[] = [];
    const now = this.#options.clock();
    let failed = 0;
    for (const entry of entries) {
      const result = envelope(entry, this.#options, now);
      if ('ErrorCode' in result) {
        results.push(result);
        failed += 1;
      } else if (this.#options.buses.idOf(result.busName) === undefined) {
        results.push({
          ErrorCode: 'ResourceNotFoundException',
          ErrorMessage: `Event bus ${result.busName} does not exist.`,
        });
        failed += 1;
      } else {
        results.push({ EventId: result.id });
        valid.push(result);
      }
    }
    if (valid.length > 0) this.store(valid, now.getTime());
    return { FailedEntryCount: failed, Entries: results };
  }

  /**
   * Stores and routes already-enveloped events (the bucket's own events go this way); joins
   * the caller's transaction when there is one.
   */
  store(events: readonly EnvelopedEvent[], arrivedAt = this.#options.clock().getTime()): void {
    const deliveries = this.#storeAll(events, arrivedAt);
    if (deliveries > 0) this.#options.onDeliveries();
  }

  #store(event: EnvelopedEvent, arrivedAt: number): number {
    const { buses, rules, archives } = this.#options;
    const busId = buses.require(event.busName);
    const seq = this.#insertEvent.run(busId, arrivedAt, event.json).lastInsertRowid;
    let deliveries = 0;
    for (const rule of rules.forBus(busId)) {
      if (rule.state !== RuleState.Enabled || !rule.matches(event.event)) continue;
      for (const target of rule.targets) {
        this.#insertDelivery.run(this.#options.deliveryIds.next(), seq, target.rowId);
        deliveries += 1;
      }
    }
    const eventTime = eventTimeOf(event, arrivedAt);
    for (const archive of archives.forBus(busId)) {
      if (archive.matches(event.event)) {
        this.#insertArchived.run(archive.id, arrivedAt, seq, eventTime);
      }
    }
    return deliveries;
  }
}

/** The event's own `time` in epoch ms (what replay windows select on); else its arrival. */
function eventTimeOf(event: EnvelopedEvent, arrivedAt: number): number {
  const time = Date.parse(String(event.event.time));
  return Number.isNaN(time) ? arrivedAt : time;
}

export type { PutEventsResult, PutEventsResultEntry };
export { EventIngest };
