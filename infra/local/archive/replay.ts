import type { Database, Statement } from 'better-sqlite3';
import type { Arns } from '../arns.ts';
import type { EventBuses } from '../bus/buses.ts';
import { RuleState, type Rules } from '../bus/rules.ts';
import {
  IllegalStatusError,
  InconsistentStateError,
  LimitExceededError,
  ResourceAlreadyExistsError,
  ResourceNotFoundError,
  ValidationError,
} from '../errors.ts';
import { assertName } from '../names.ts';
import type { Worker } from '../scheduler.ts';
import type { IdSequence } from '../state/database.ts';
import type { Archives } from './archive.ts';

/** A replay's life, as DescribeReplay reports it. */
const ReplayState = {
  Starting: 'STARTING',
  Running: 'RUNNING',
  Cancelling: 'CANCELLING',
  Completed: 'COMPLETED',
  Cancelled: 'CANCELLED',
  Failed: 'FAILED',
} as const;
type ReplayState = (typeof ReplayState)[keyof typeof ReplayState];

interface StartReplayParams {
  /** Unique among replays, as on AWS. */
  readonly name: string;
  readonly archive: string;
  /** Events whose own `time` is at or after this... */
  readonly from: Date;
  /** ...and at or before this are replayed; `from` must be before `to`. */
  readonly to: Date;
  /** Rules of the archive's bus to replay to. @default - every rule of the bus */
  readonly rules?: readonly string[];
}

interface ReplayDescription {
  readonly name: string;
  readonly arn: string;
  readonly archive: string;
  readonly state: ReplayState;
  readonly from: Date;
  readonly to: Date;
  readonly eventsTotal: number;
  /** Events put back on the bus so far. */
  readonly eventsReplayed: number;
  readonly startedAt: Date;
  readonly completedAt?: Date;
  /** Why it failed. */
  readonly reason?: string;
}

interface ReplayRow {
  id: number;
  name: string;
  archive_id: number;
  from_ms: number;
  to_ms: number;
  rules: string | null;
  state: ReplayState;
  events_total: number;
  events_replayed: number;
  /** The event time of the last event replayed (the column predates event-time windows). */
  cursor_arrived_at: number;
  cursor_seq: number;
  started_at: number;
  completed_at: number | null;
  reason: string | null;
}

interface ArchivedRow {
  event_time: number;
  event_seq: number;
  json: string;
}

interface ReplaysOptions {
  readonly db: Database;
  readonly arns: Arns;
  readonly buses: EventBuses;
  readonly rules: Rules;
  readonly archives: Archives;
  readonly clock: () => Date;
  readonly deliveryIds: IdSequence;
  readonly onDeliveries: () => void;
}

/** Archived events put back per transaction. */
const CHUNK = 500;

/** Replays under way at once in an account and Region (EventBridge quotas). */
const MAX_CONCURRENT_REPLAYS = 10;

/** States of a replay that is still under way: they count against the limit. */
const ACTIVE_STATES: readonly string[] = [
  ReplayState.Starting,
  ReplayState.Running,
  ReplayState.Cancelling,
];

/**
 * Replays: archived events from a window put back on their bus with a top-level
 * `replay-name`, to the named rules or all of them, in chunks, with the progress (a cursor
 * into the archive) committed with each chunk's deliveries, so a killed replay resumes where
 * it stopped. Replayed events are matched with `replay-name` present, and never archived again.
 *
 * @example replays.start({ name: 'backfill', archive: 'all', from, to, rules: ['Ledger'] });
 */
class Replays implements Worker {
  readonly #o: ReplaysOptions;
  readonly #select: Statement<[string], ReplayRow>;
  readonly #chunk: Statement<[number, number, number, number, number, number], ArchivedRow>;
  readonly #insertDelivery: Statement<[number, number, number, number]>;
  readonly #progress: Statement<[string, number, number, number, number | null, number]>;
  readonly #runChunk: (replay: ReplayRow) => boolean;
  readonly #active: string[] = [];

  constructor(options: ReplaysOptions) {
    this.#o = options;
    const { db } = options;
    this.#select = db.prepare('SELECT * FROM rt_replays WHERE name = ?');
    this.#chunk = db.prepare(
      'SELECT a.event_time, a.event_seq, e.json FROM rt_archive_events a ' +
        'JOIN rt_events e ON e.seq = a.event_seq ' +
        'WHERE a.archive_id = ? AND (a.event_time, a.event_seq) > (?, ?) ' +
        'AND a.event_time BETWEEN ? AND ? ORDER BY a.event_time, a.event_seq LIMIT ?',
    );
    this.#insertDelivery = db.prepare(
      'INSERT INTO rt_deliveries (id, event_seq, target_id, replay_id) VALUES (?, ?, ?, ?)',
    );
    this.#progress = db.prepare(
      'UPDATE rt_replays SET state = ?, events_replayed = events_replayed + ?, ' +
        'cursor_arrived_at = ?, cursor_seq = ?, completed_at = ? WHERE id = ?',
    );
    this.#runChunk = db.transaction((replay: ReplayRow) => this.#replayChunk(replay));
    const active = db
      .prepare(
        "SELECT name FROM rt_replays WHERE state IN ('STARTING', 'RUNNING', 'CANCELLING') ORDER BY id",
      )
      .all() as { name: string }[];
    for (const { name } of active) this.#active.push(name);
  }

  /**
   * StartReplay. The replay runs in the background; `describe` follows it.
   *
   * @throws {ValidationError} when the window does not start before it ends (AWS's words).
   * @throws {ResourceAlreadyExistsError} when a replay of that name exists.
   * @throws {ResourceNotFoundError} when the archive or a named rule does not exist.
   * @throws {LimitExceededError} when 10 replays are under way already.
   */
  start(params: StartReplayParams): { replayArn: string; state: ReplayState } {
    assertName('replay', params.name);
    const archive = this.#o.archives.require(params.archive);
    if (!(params.from instanceof Date) || !(params.to instanceof Date)) {
      throw new ValidationError('from and to must be Dates');
    }
    if (!(params.from.getTime() < params.to.getTime())) {
      throw new ValidationError(
        'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
      );
    }
    if (this.#select.get(params.name)) throw new ResourceAlreadyExistsError('Replay', params.name);
    for (const rule of params.rules ?? []) {
      if (!this.#o.rules.find(archive.busId, rule)) throw new ResourceNotFoundError('Rule', rule);
    }
    this.#assertBelowLimit();
    const from = params.from.getTime();
    const to = params.to.getTime();
    const total = this.#o.db
      .prepare(
        'SELECT COUNT(*) AS n FROM rt_archive_events WHERE archive_id = ? AND event_time BETWEEN ? AND ?',
      )
      .get(archive.id, from, to) as { n: number };
    this.#o.db
      .prepare(
        'INSERT INTO rt_replays (name, archive_id, from_ms, to_ms, rules, state, events_total, started_at) ' +
          'VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      )
      .run(
        params.name,
        archive.id,
        from,
        to,
        params.rules ? JSON.stringify(params.rules) : null,
        ReplayState.Starting,
        total.n,
        this.#o.clock().getTime(),
      );
    this.#active.push(params.name);
    // Runs in the background, as on AWS: the scheduler's next turn starts it, whether or not
    // anyone waits for the runtime to be idle (a server starting a replay does not).
    this.#o.onDeliveries();
    return { replayArn: this.#o.arns.replay(params.name), state: ReplayState.Starting };
  }

  /**
   * CancelReplay: the replay stops putting events back (CANCELLING) and ends CANCELLED at its
   * next turn. Events it already put back are delivered.
   *
   * @throws {ResourceNotFoundError} when there is no such replay.
   * @throws {IllegalStatusError} when the replay has ended already.
   */
  cancel(name: string): { replayArn: string; state: ReplayState } {
    const row = this.#select.get(name);
    if (!row) throw new ResourceNotFoundError('Replay', name);
    if (row.state !== ReplayState.Starting && row.state !== ReplayState.Running) {
      throw new IllegalStatusError(
        `Replay ${name} is ${row.state}: only a STARTING or RUNNING replay can be cancelled.`,
      );
    }
    this.#o.db
      .prepare('UPDATE rt_replays SET state = ? WHERE id = ?')
      .run(ReplayState.Cancelling, row.id);
    return { replayArn: this.#o.arns.replay(name), state: ReplayState.Cancelling };
  }

  #assertBelowLimit(): void {
    const running = this.#o.db
      .prepare(
        `SELECT name FROM rt_replays WHERE state IN (${ACTIVE_STATES.map(() => '?').join(', ')}) ORDER BY id`,
      )
      .all(...ACTIVE_STATES) as { name: string }[];
    if (running.length < MAX_CONCURRENT_REPLAYS) return;
    throw new LimitExceededError(
      `At most ${MAX_CONCURRENT_REPLAYS} replays run at once (EventBridge's quota per account and Region); ` +
        `under way now: ${running.map((r) => r.name).join(', ')}. Start this one once one of them has ended, or cancel one.`,
    );
  }

  /** @throws {ResourceNotFoundError} when there is no such replay. */
  describe(name: string): ReplayDescription {
    const row = this.#select.get(name);
    if (!row) throw new ResourceNotFoundError('Replay', name);
    const archive = this.#o.db
      .prepare('SELECT name FROM rt_archives WHERE id = ?')
      .get(row.archive_id) as { name: string } | undefined;
    return {
      name: row.name,
      arn: this.#o.arns.replay(row.name),
      archive: archive?.name ?? `#${row.archive_id}`,
      state: row.state,
      from: new Date(row.from_ms),
      to: new Date(row.to_ms),
      eventsTotal: row.events_total,
      eventsReplayed: row.events_replayed,
      startedAt: new Date(row.started_at),
      ...(row.completed_at !== null ? { completedAt: new Date(row.completed_at) } : {}),
      ...(row.reason !== null ? { reason: row.reason } : {}),
    };
  }

  step(): boolean {
    const name = this.#active[0];
    if (name === undefined) return false;
    const replay = this.#select.get(name);
    if (!replay || !ACTIVE_STATES.includes(replay.state)) {
      this.#active.shift();
      return this.#active.length > 0;
    }
    if (replay.state === ReplayState.Cancelling) {
      this.#o.db
        .prepare('UPDATE rt_replays SET state = ?, completed_at = ? WHERE id = ?')
        .run(ReplayState.Cancelled, this.#o.clock().getTime(), replay.id);
      this.#active.shift();
      return this.#active.length > 0;
    }
    let done: boolean;
    try {
      done = this.#runChunk(replay);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      this.#o.db
        .prepare('UPDATE rt_replays SET state = ?, reason = ?, completed_at = ? WHERE id = ?')
        .run(ReplayState.Failed, reason, this.#o.clock().getTime(), replay.id);
      done = true;
    }
    this.#o.onDeliveries();
    if (done) this.#active.shift();
    return this.#active.length > 0;
  }

  busy(): boolean {
    return this.#active.length > 0;
  }

  pending(): string[] {
    return this.#active.map((name) => `replay ${name} running`);
  }

  /** Replays run in turns, synchronously: nothing of theirs is under way between turns. */
  working(): boolean {
    return false;
  }

  nextWakeAt(): number | undefined {
    return undefined;
  }

  /** Puts one chunk back on the bus; `true` when the window is exhausted. */
  #replayChunk(replay: ReplayRow): boolean {
    const rows = this.#chunk.all(
      replay.archive_id,
      replay.cursor_arrived_at,
      replay.cursor_seq,
      replay.from_ms,
      replay.to_ms,
      CHUNK,
    );
    const archive = this.#o.db
      .prepare('SELECT bus_id FROM rt_archives WHERE id = ?')
      .get(replay.archive_id) as { bus_id: number } | undefined;
    if (!archive) {
      throw new InconsistentStateError(`the archive of replay ${replay.name} no longer exists`);
    }
    const named = replay.rules ? new Set(JSON.parse(replay.rules) as string[]) : undefined;
    const rules = this.#o.rules
      .forBus(archive.bus_id)
      .filter((rule) => rule.state === RuleState.Enabled && (!named || named.has(rule.name)));
    for (const row of rows) {
      const event = JSON.parse(row.json) as Record<string, unknown>;
      event['replay-name'] = replay.name;
      for (const rule of rules) {
        if (!rule.matches(event)) continue;
        for (const target of rule.targets) {
          this.#insertDelivery.run(
            this.#o.deliveryIds.next(),
            row.event_seq,
            target.rowId,
            replay.id,
          );
        }
      }
    }
    const last = rows[rows.length - 1];
    const done = rows.length < CHUNK;
    this.#progress.run(
      done ? ReplayState.Completed : ReplayState.Running,
      rows.length,
      last?.event_time ?? replay.cursor_arrived_at,
      last?.event_seq ?? replay.cursor_seq,
      done ? this.#o.clock().getTime() : null,
      replay.id,
    );
    return done;
  }
}

export type { ReplayDescription, StartReplayParams };
export { MAX_CONCURRENT_REPLAYS, ReplayState, Replays };
