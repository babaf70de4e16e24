import type { Database } from 'better-sqlite3';
import type { EventBuses } from '../bus/buses.ts';
import type { Rules } from '../bus/rules.ts';
import type { StoredFact } from './facts.ts';
import { factsDroppedUntil, readFacts } from './recorder.ts';

/** An event as the bus stored it. */
interface StoredEventRecord {
  readonly seq: number;
  readonly busName: string;
  /** When it reached the bus, the clock's ms. */
  readonly arrivedAt: number;
  readonly event: Readonly<Record<string, unknown>>;
}

/** A delivery not done yet: waiting for its next attempt, or given up without a DLQ. */
interface OpenDelivery {
  readonly eventSeq: number;
  readonly replayId: number | null;
  readonly rule: string;
  readonly target: string;
  readonly attempts: number;
  readonly dueAt: number;
  readonly state: 'pending' | 'failed';
  readonly lastError?: string;
}

/** A replay of an archive, with its window and the rules it was sent to. */
interface ReplayRecord {
  readonly id: number;
  readonly name: string;
  readonly archiveId: number;
  readonly busName: string;
  readonly fromMs: number;
  readonly toMs: number;
  /** `undefined`: every rule of the bus. */
  readonly rules?: readonly string[];
  readonly state: string;
  readonly startedAt: number;
  /** Archived events up to this one (event time, sequence) have been put back. */
  readonly cursor: readonly [number, number];
}

interface EventRow {
  seq: number;
  bus_id: number;
  arrived_at: number;
  json: string;
}

/**
 * What `txnflow trace` reads from the runtime's file: stored events, the trace facts about
 * them, deliveries still open, replays and which archives hold an event. Read only: it works
 * on a read-only runtime beside the driver.
 *
 * @example runtime.traceReader().eventsContaining(['"alertId":"C2:T1010"'])
 */
class TraceReader {
  readonly #db: Database;
  readonly #buses: EventBuses;
  readonly #rules: Rules;

  constructor(db: Database, buses: EventBuses, rules: Rules) {
    this.#db = db;
    this.#buses = buses;
    this.#rules = rules;
  }

  /**
   * Every stored event whose JSON text holds one of `needles` (each a piece of JSON text,
   * e.g. `"transactionId":"T1008"`), oldest first. A scan: ids are not indexed, so that
   * PutEvents pays nothing for them.
   */
  eventsContaining(needles: readonly string[]): StoredEventRecord[] {
    if (needles.length === 0) return [];
    const where = needles.map(() => 'instr(json, ?) > 0').join(' OR ');
    const rows = this.#db
      .prepare(`SELECT seq, bus_id, arrived_at, json FROM rt_events WHERE ${where} ORDER BY seq`)
      .all(...needles) as EventRow[];
    return rows.map((row) => this.#record(row));
  }

  /** The facts about these stored events and these ids, oldest first. */
  facts(about: { readonly eventSeqs?: readonly number[]; readonly refs?: readonly string[] }) {
    return readFacts(this.#db, about) as StoredFact[];
  }

  /** Deliveries of these events still waiting for an attempt, or given up without a DLQ. */
  openDeliveries(eventSeqs: readonly number[]): OpenDelivery[] {
    const open: OpenDelivery[] = [];
    for (let i = 0; i < eventSeqs.length; i += 500) {
      const chunk = eventSeqs.slice(i, i + 500);
      const rows = this.#db
        .prepare(
          'SELECT event_seq, replay_id, target_id, attempts, due_at, state, last_error FROM rt_deliveries ' +
            `WHERE event_seq IN (${chunk.map(() => '?').join(', ')}) ORDER BY id`,
        )
        .all(...chunk) as {
        event_seq: number;
        replay_id: number | null;
        target_id: number;
        attempts: number;
        due_at: number;
        state: number;
        last_error: string | null;
      }[];
      for (const row of rows) {
        const target = this.#rules.target(row.target_id);
        open.push({
          eventSeq: row.event_seq,
          replayId: row.replay_id,
          rule: target?.ruleName ?? '(removed)',
          target: target?.id ?? '(removed)',
          attempts: row.attempts,
          dueAt: row.due_at,
          state: row.state === 0 ? 'pending' : 'failed',
          ...(row.last_error ? { lastError: row.last_error } : {}),
        });
      }
    }
    return open;
  }

  /** Every replay, oldest first. */
  replays(): ReplayRecord[] {
    const rows = this.#db
      .prepare(
        'SELECT r.*, a.bus_id FROM rt_replays r JOIN rt_archives a ON a.id = r.archive_id ORDER BY r.id',
      )
      .all() as {
      id: number;
      name: string;
      archive_id: number;
      bus_id: number;
      from_ms: number;
      to_ms: number;
      rules: string | null;
      state: string;
      started_at: number;
      cursor_arrived_at: number;
      cursor_seq: number;
    }[];
    return rows.map((row) => ({
      id: row.id,
      name: row.name,
      archiveId: row.archive_id,
      busName: this.#buses.nameOf(row.bus_id),
      fromMs: row.from_ms,
      toMs: row.to_ms,
      ...(row.rules ? { rules: JSON.parse(row.rules) as string[] } : {}),
      state: row.state,
      startedAt: row.started_at,
      cursor: [row.cursor_arrived_at, row.cursor_seq] as const,
    }));
  }

  /** The ids of the archives that hold the event. */
  archivesHolding(event: StoredEventRecord): number[] {
    const rows = this.#db
      .prepare('SELECT archive_id FROM rt_archive_events WHERE arrived_at = ? AND event_seq = ?')
      .all(event.arrivedAt, event.seq) as { archive_id: number }[];
    return rows.map((row) => row.archive_id);
  }

  /** The enabled and disabled rules of a bus, by name. */
  ruleNames(busName: string): string[] {
    const busId = this.#buses.idOf(busName);
    return busId === undefined ? [] : this.#rules.forBus(busId).map((rule) => rule.name);
  }

  /** Until when retention dropped facts (the clock's ms), if it dropped any. */
  droppedUntil(): number | undefined {
    return factsDroppedUntil(this.#db);
  }

  #record(row: EventRow): StoredEventRecord {
    return {
      seq: row.seq,
      busName: this.#buses.nameOf(row.bus_id),
      arrivedAt: row.arrived_at,
      event: JSON.parse(row.json) as Record<string, unknown>,
    };
  }
}

export type { OpenDelivery, ReplayRecord, StoredEventRecord };
export { TraceReader };
