import type { Database, Statement } from 'better-sqlite3';
import type { FactSubject, StoredFact, TraceFact } from './facts.ts';
import { DEFAULT_MAX_FACTS, type TraceSettings } from './settings.ts';

interface Pending {
  readonly at: number;
  readonly fact: TraceFact;
  readonly subject: FactSubject;
}

/** The rt_meta key noting when the newest dropped fact was recorded (the clock's ms). */
const DROPPED_UNTIL_KEY = 'trace_dropped_until';

/**
 * Kinds whose facts come many at a time, each about its own event: the messages a turn sent
 * for one rule's target, the receives of one batch. Such a run of facts (same kind, moment
 * and `shared` fields) is written as one row: the shared fields once, then one item per fact
 * (its event, its replay and its `item` fields), indexed by event in rt_trace_about; half the
 * bytes of a row per fact, and a fraction of the inserts.
 */
const GROUPED: Readonly<
  Partial<Record<TraceFact['kind'], { shared: readonly string[]; item: readonly string[] }>>
> = {
  sent: { shared: ['rule', 'target', 'queue', 'topic'], item: ['messageIds'] },
  receive: {
    shared: ['queue', 'batchId'],
    item: ['messageId', 'receiveCount', 'outcome', 'error'],
  },
};

type Grouping = NonNullable<(typeof GROUPED)[TraceFact['kind']]>;

/** One item of a group row: event seq, replay id, then the `item` fields of its kind. */
type GroupItem = [number, number | null, ...unknown[]];

const fieldsOf = (fact: TraceFact) => fact as unknown as Readonly<Record<string, unknown>>;

/**
 * How a pending fact can be grouped: a fact about a stored event, of a grouped kind, holding
 * no field its grouping does not know (such a fact is written alone, whole).
 */
function groupingOf(pending: Pending): Grouping | undefined {
  const grouping = GROUPED[pending.fact.kind];
  if (!grouping || typeof pending.subject.eventSeq !== 'number' || pending.subject.ref) {
    return undefined;
  }
  for (const key in pending.fact) {
    if (key !== 'kind' && !grouping.shared.includes(key) && !grouping.item.includes(key)) {
      return undefined;
    }
  }
  return grouping;
}

/** Whether `next` joins the group `first` started: same kind, moment and shared fields. */
function joins(first: Pending, next: Pending, grouping: Grouping): boolean {
  if (next.fact.kind !== first.fact.kind || next.at !== first.at) return false;
  if (groupingOf(next) !== grouping) return false;
  const a = fieldsOf(first.fact);
  const b = fieldsOf(next.fact);
  for (const key of grouping.shared) if (a[key] !== b[key]) return false;
  return true;
}

/**
 * Records trace facts. Facts are buffered in memory and written by {@link flush}, which the
 * runtime calls inside the transaction that commits each turn's completions: a fact costs at
 * most one row insert in a transaction that commits anyway, never a commit of its own, and a
 * run of facts of one kind and moment (a batch's receives) shares one row. A process killed
 * before a flush loses the facts of that turn; the work they describe is pending again and
 * will be recorded when it is done again. Retention: the newest `maxFacts` are kept.
 *
 * @example recorder.record({ kind: 'redriven', from: 'QDLQ', to: 'Q', messageId }, { eventSeq: 7 });
 */
class TraceRecorder {
  readonly enabled: boolean;
  readonly maxFacts: number;
  readonly #db: Database;
  readonly #now: () => number;
  readonly #insert: Statement<
    [number, string, number | null, number | null, string | null, string, number]
  >;
  readonly #about: Statement<[number, number]>;
  readonly #pruneEvery: number;
  #pending: Pending[] = [];
  #sincePrune = 0;

  constructor(db: Database, now: () => number, settings: TraceSettings = {}) {
    this.enabled = settings.enabled ?? true;
    this.maxFacts = settings.maxFacts ?? DEFAULT_MAX_FACTS;
    this.#db = db;
    this.#now = now;
    this.#insert = db.prepare(
      'INSERT INTO rt_trace (at, kind, event_seq, replay_id, ref, fact, facts) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.#about = db.prepare(
      'INSERT OR IGNORE INTO rt_trace_about (event_seq, fact_id) VALUES (?, ?)',
    );
    // Pruning deletes a range of old rows; doing it every tenth of the limit keeps it rare.
    this.#pruneEvery = Math.max(1000, Math.floor(this.maxFacts / 10));
  }

  /** Facts recorded and not yet written. */
  get pending(): number {
    return this.#pending.length;
  }

  /** Notes a fact, stamped now; written at the next {@link flush}. A no-op when disabled. */
  record(fact: TraceFact, subject: FactSubject): void {
    if (!this.enabled) return;
    this.#pending.push({ at: this.#now(), fact, subject });
  }

  /** Writes the buffered facts; the caller runs it inside its transaction. */
  flush(): void {
    if (this.#pending.length === 0) return;
    const pending = this.#pending;
    this.#pending = [];
    let lastId = 0;
    for (let i = 0; i < pending.length; ) {
      const first = pending[i] as Pending;
      const grouping = groupingOf(first);
      let end = i + 1;
      while (grouping && end < pending.length && joins(first, pending[end] as Pending, grouping)) {
        end += 1;
      }
      lastId =
        grouping && end - i > 1
          ? this.#writeGroup(pending.slice(i, end), grouping)
          : this.#writeOne(first);
      i = end;
    }
    this.#sincePrune += pending.length;
    if (this.#sincePrune >= this.#pruneEvery) this.#prune(lastId);
  }

  #writeOne({ at, fact, subject }: Pending): number {
    const { kind, ...rest } = fact;
    const result = this.#insert.run(
      at,
      kind,
      subject.eventSeq ?? null,
      subject.replayId ?? null,
      subject.ref ?? null,
      JSON.stringify(rest),
      1,
    );
    return Number(result.lastInsertRowid);
  }

  #writeGroup(group: readonly Pending[], grouping: Grouping): number {
    const [first] = group as [Pending];
    const fields = fieldsOf(first.fact);
    const shared: Record<string, unknown> = {};
    for (const key of grouping.shared) if (fields[key] !== undefined) shared[key] = fields[key];
    const items = group.map(({ fact, subject }): GroupItem => {
      const own = fieldsOf(fact);
      const item: GroupItem = [subject.eventSeq as number, subject.replayId ?? null];
      for (const key of grouping.item) item.push(own[key] ?? null);
      return item;
    });
    const row = JSON.stringify({ ...shared, items });
    const result = this.#insert.run(first.at, first.fact.kind, null, null, null, row, group.length);
    const id = Number(result.lastInsertRowid);
    for (const item of items) this.#about.run(item[0], id);
    return id;
  }

  /** Drops all but the newest `maxFacts` (a group row counts its facts), noting until when. */
  #prune(lastId: number): void {
    this.#sincePrune = 0;
    const newestFirst = this.#db
      .prepare('SELECT id, at, facts FROM rt_trace WHERE id <= ? ORDER BY id DESC')
      .iterate(lastId) as IterableIterator<{ id: number; at: number; facts: number }>;
    let kept = 0;
    let newestDropped: { id: number; at: number } | undefined;
    for (const row of newestFirst) {
      if (kept >= this.maxFacts) {
        newestDropped = row;
        break;
      }
      kept += row.facts;
    }
    if (!newestDropped) return;
    this.#db.prepare('DELETE FROM rt_trace WHERE id <= ?').run(newestDropped.id);
    this.#db.prepare('DELETE FROM rt_trace_about WHERE fact_id <= ?').run(newestDropped.id);
    this.#db
      .prepare(
        'INSERT INTO rt_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
      )
      .run(DROPPED_UNTIL_KEY, String(newestDropped.at));
  }
}

interface FactRow {
  id: number;
  at: number;
  kind: string;
  event_seq: number | null;
  replay_id: number | null;
  ref: string | null;
  fact: string;
  facts: number;
}

/** Parameters per IN list: well under SQLite's limit of bound parameters. */
const CHUNK = 500;

/**
 * Reads back the facts about the given stored events and ids, oldest first: rows of one fact,
 * and the items of group rows (see GROUPED) about those events.
 *
 * @example readFacts(db, { eventSeqs: [7, 8], refs: ['9f1c...'] })
 */
function readFacts(
  db: Database,
  about: { readonly eventSeqs?: readonly number[]; readonly refs?: readonly string[] },
): StoredFact[] {
  const rows = new Map<number, FactRow>();
  const read = (where: (marks: string) => string, values: readonly (number | string)[]) => {
    for (let i = 0; i < values.length; i += CHUNK) {
      const chunk = values.slice(i, i + CHUNK);
      const marks = chunk.map(() => '?').join(', ');
      const found = db
        .prepare(`SELECT * FROM rt_trace WHERE ${where(marks)}`)
        .all(...chunk) as FactRow[];
      for (const row of found) rows.set(row.id, row);
    }
  };
  const seqs = [...new Set(about.eventSeqs ?? [])];
  read((marks) => `event_seq IN (${marks})`, seqs);
  read((marks) => `id IN (SELECT fact_id FROM rt_trace_about WHERE event_seq IN (${marks}))`, seqs);
  read((marks) => `ref IN (${marks})`, [...new Set(about.refs ?? [])]);
  const wanted = new Set(seqs);
  return [...rows.values()]
    .sort((a, b) => a.id - b.id)
    .flatMap((row) => (row.facts > 1 ? itemsOf(row, wanted) : [toStoredFact(row)]));
}

/** The facts of a group row about the wanted events. */
function itemsOf(row: FactRow, wanted: ReadonlySet<number>): StoredFact[] {
  const { items, ...shared } = JSON.parse(row.fact) as { items: GroupItem[] } & Record<
    string,
    unknown
  >;
  const fields = GROUPED[row.kind as TraceFact['kind']]?.item ?? [];
  return items
    .filter(([eventSeq]) => wanted.has(eventSeq))
    .map(([eventSeq, replayId, ...values]) => {
      const own: Record<string, unknown> = {};
      fields.forEach((field, i) => {
        if (values[i] !== null && values[i] !== undefined) own[field] = values[i];
      });
      const subject = { kind: row.kind, id: row.id, at: row.at, eventSeq, replayId, ref: null };
      return { ...shared, ...own, ...subject } as StoredFact;
    });
}

function toStoredFact(row: FactRow): StoredFact {
  return {
    ...(JSON.parse(row.fact) as Omit<TraceFact, 'kind'>),
    kind: row.kind,
    id: row.id,
    at: row.at,
    eventSeq: row.event_seq,
    replayId: row.replay_id,
    ref: row.ref,
  } as StoredFact;
}

/**
 * Until when facts were dropped by retention (the clock's ms), if any were.
 *
 * @example factsDroppedUntil(db) // 1764115200000, or undefined
 */
function factsDroppedUntil(db: Database): number | undefined {
  const row = db.prepare('SELECT value FROM rt_meta WHERE key = ?').get(DROPPED_UNTIL_KEY) as
    | { value: string }
    | undefined;
  return row ? Number(row.value) : undefined;
}

export { factsDroppedUntil, readFacts, TraceRecorder };
