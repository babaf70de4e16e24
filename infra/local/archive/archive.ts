import type { Database, Statement } from 'better-sqlite3';
import type { Arns } from '../arns.ts';
import { busNameOf } from '../arns.ts';
import type { EventBuses } from '../bus/buses.ts';
import { ResourceAlreadyExistsError, ResourceNotFoundError, ValidationError } from '../errors.ts';
import { compileEventPattern } from '../event-pattern/index.ts';
import { assertName } from '../names.ts';

interface CreateArchiveParams {
  readonly name: string;
  readonly eventBusName: string;
  /** Keeps only matching events. @default - every event that reaches the bus */
  readonly eventPattern?: object | string;
  /** Days to keep an event; 0 keeps forever. @default 0 */
  readonly retentionDays?: number;
}

interface ListArchivedEventsParams {
  /** @default - every archive */
  readonly archive?: string;
  /** Event time (the event's own `time`) from, inclusive, as a replay window selects. */
  readonly from?: Date;
  /** Event time to, inclusive. */
  readonly to?: Date;
  /** @default - no limit */
  readonly limit?: number;
}

/** One archived event, flat enough for a CLI table (a type, so it reads as a table row). */
type ArchivedEventSummary = {
  readonly archive: string;
  readonly eventId: string;
  readonly eventBusName: string;
  readonly source: string;
  readonly detailType: string;
  /** The event's own `time`: what replay windows select on. */
  readonly time: string;
  /** When the bus received it, ISO 8601. */
  readonly arrivedAt: string;
};

/** An archive as the router uses it. */
interface CompiledArchive {
  readonly id: number;
  readonly name: string;
  readonly busId: number;
  readonly matches: (event: object) => boolean;
}

interface ArchiveRow {
  id: number;
  name: string;
  bus_id: number;
  pattern: string | null;
  retention_days: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * Bus archives: which events each keeps (its pattern, cached compiled per bus), the listing,
 * and retention. An archive keeps every event reaching its bus that matches its pattern,
 * except replayed ones (those carry `replay-name`), exactly like EventBridge's archive rule.
 *
 * @example archives.create({ name: 'all', eventBusName: 'txnflow' });
 */
class Archives {
  readonly #db: Database;
  readonly #arns: Arns;
  readonly #buses: EventBuses;
  readonly #clock: () => Date;
  readonly #upsert: Statement<[string, number, string | null, number, number]>;
  readonly #byName = new Map<string, CompiledArchive>();
  readonly #byBus = new Map<number, CompiledArchive[]>();

  constructor(db: Database, arns: Arns, buses: EventBuses, clock: () => Date) {
    this.#db = db;
    this.#arns = arns;
    this.#buses = buses;
    this.#clock = clock;
    this.#upsert = db.prepare(
      'INSERT INTO rt_archives (name, bus_id, pattern, retention_days, created_at) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (name) DO UPDATE SET pattern = excluded.pattern, retention_days = excluded.retention_days',
    );
    for (const row of db.prepare('SELECT * FROM rt_archives').all() as ArchiveRow[]) {
      this.#cache(row);
    }
  }

  /**
   * Creates the archive, or updates its pattern and retention when it exists on that bus.
   *
   * @throws {ResourceAlreadyExistsError} when the name is taken by an archive of another bus.
   */
  create(params: CreateArchiveParams): { archiveArn: string } {
    assertName('archive', params.name);
    const busId = this.#buses.require(busNameOf(params.eventBusName));
    const existing = this.#byName.get(params.name);
    if (existing && existing.busId !== busId) {
      throw new ResourceAlreadyExistsError('Archive', params.name);
    }
    const retention = params.retentionDays ?? 0;
    if (!Number.isInteger(retention) || retention < 0) {
      throw new ValidationError(`retentionDays must be a whole number >= 0, got ${retention}`);
    }
    const pattern =
      params.eventPattern === undefined
        ? null
        : typeof params.eventPattern === 'string'
          ? params.eventPattern
          : JSON.stringify(params.eventPattern);
    if (pattern !== null) compileEventPattern(pattern);
    this.#upsert.run(params.name, busId, pattern, retention, this.#clock().getTime());
    const row = this.#db.prepare('SELECT * FROM rt_archives WHERE name = ?').get(params.name);
    this.#cache(row as ArchiveRow);
    return { archiveArn: this.#arns.archive(params.name) };
  }

  /** The archives of a bus, for the router. */
  forBus(busId: number): readonly CompiledArchive[] {
    return this.#byBus.get(busId) ?? [];
  }

  /** @throws {ResourceNotFoundError} when there is no such archive. */
  require(name: string): CompiledArchive {
    const archive = this.#byName.get(name);
    if (!archive) throw new ResourceNotFoundError('Archive', name);
    return archive;
  }

  /** Archived events in event-time order, optionally of one archive and an event-time window. */
  list(params: ListArchivedEventsParams = {}): ArchivedEventSummary[] {
    const archives = params.archive ? [this.require(params.archive)] : [...this.#byName.values()];
    const from = params.from?.getTime() ?? Number.MIN_SAFE_INTEGER;
    const to = params.to?.getTime() ?? Number.MAX_SAFE_INTEGER;
    const limit = params.limit ?? -1;
    const select = this.#db.prepare(
      'SELECT a.arrived_at, e.bus_id, e.json FROM rt_archive_events a ' +
        'JOIN rt_events e ON e.seq = a.event_seq ' +
        'WHERE a.archive_id = ? AND a.event_time BETWEEN ? AND ? ' +
        'ORDER BY a.event_time, a.event_seq LIMIT ?',
    );
    const summaries: ArchivedEventSummary[] = [];
    for (const archive of archives) {
      const rows = select.all(archive.id, from, to, limit) as {
        arrived_at: number;
        bus_id: number;
        json: string;
      }[];
      for (const row of rows) {
        const event = JSON.parse(row.json) as Record<string, string>;
        summaries.push({
          archive: archive.name,
          eventId: event.id ?? '',
          eventBusName: this.#buses.nameOf(row.bus_id),
          source: event.source ?? '',
          detailType: event['detail-type'] ?? '',
          time: event.time ?? '',
          arrivedAt: new Date(row.arrived_at).toISOString(),
        });
      }
    }
    return summaries;
  }

  /**
   * Forgets archived events older than their archive's retention. The events themselves stay
   * while deliveries may still need them.
   *
   * @example archives.enforceRetention() // 0
   */
  enforceRetention(): number {
    const now = this.#clock().getTime();
    let removed = 0;
    const remove = this.#db.prepare(
      'DELETE FROM rt_archive_events WHERE archive_id = ? AND arrived_at < ?',
    );
    const rows = this.#db
      .prepare('SELECT id, retention_days FROM rt_archives WHERE retention_days > 0')
      .all() as { id: number; retention_days: number }[];
    for (const row of rows) {
      removed += remove.run(row.id, now - row.retention_days * DAY_MS).changes;
    }
    return removed;
  }

  #cache(row: ArchiveRow): void {
    const pattern = row.pattern === null ? null : compileEventPattern(row.pattern);
    const archive: CompiledArchive = {
      id: row.id,
      name: row.name,
      busId: row.bus_id,
      matches: (event) => !Object.hasOwn(event, 'replay-name') && (pattern?.matches(event) ?? true),
    };
    this.#byName.set(row.name, archive);
    const siblings = (this.#byBus.get(row.bus_id) ?? []).filter((a) => a.id !== row.id);
    siblings.push(archive);
    this.#byBus.set(row.bus_id, siblings);
  }
}

export type {
  ArchivedEventSummary,
  CompiledArchive,
  CreateArchiveParams,
  ListArchivedEventsParams,
};
export { Archives };
