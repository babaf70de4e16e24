import type { Database, Statement } from 'better-sqlite3';
import type { FactSubject, StoredFact, TraceFact } from './facts.ts';
import { DEFAULT_MAX_FACTS, type TraceSettings } from './settings.ts';

interface Pending {
  readonly at: number;
  readonly fact: TraceFact;
  readonly subject: FactSubject;
}

/** One fact's columns: at, kind, event_seq, replay_id, ref, fact. */
type FactValues = [number, string, number | null, number | null, string | null, string];

const INSERT_FACTS = 'INSERT INTO rt_trace (at, kind, event_seq, replay_id, ref, fact) VALUES ';
const ROW = '(?, ?, ?, ?, ?, ?)';
/** Facts written per INSERT statement: one statement's overhead shared by many rows. */
const ROWS_PER_INSERT = 64;

/** The rt_meta key noting when the newest dropped fact was recorded (the clock's ms). */
const DROPPED_UNTIL_KEY = 'trace_dropped_until';

/**
 * Records trace facts. Facts are buffered in memory and written by {@link flush}, which the
 * runtime calls inside the transaction that commits each turn's completions: a fact costs one
 * row insert in a transaction that commits anyway, never a commit of its own. A process killed
 * before a flush loses the facts of that turn; the work they describe is pending again and
 * will be recorded when it is done again. Retention: the newest `maxFacts` are kept.
 *
 * @example recorder.record({ kind: 'redriven', from: 'QDLQ', to: 'Q', messageId }, { eventSeq: 7 });
 */
class TraceRecorder {
  readonly enabled: boolean;
  readonly maxFacts: number;
  readonly #now: () => number;
  readonly #insert: Statement<FactValues>;
  readonly #insertMany: Statement<FactValues[number][]>;
  readonly #drop: Statement<[number]>;
  readonly #atOf: Statement<[number], { at: number }>;
  readonly #noteDropped: Statement<[string, string]>;
  readonly #pruneEvery: number;
  #pending: Pending[] = [];
  #sincePrune = 0;

  constructor(db: Database, now: () => number, settings: TraceSettings = {}) {
    this.enabled = settings.enabled ?? true;
    this.maxFacts = settings.maxFacts ?? DEFAULT_MAX_FACTS;
    this.#now = now;
    this.#insert = db.prepare(`${INSERT_FACTS}${ROW}`);
    this.#insertMany = db.prepare<FactValues[number][]>(
      `${INSERT_FACTS}${Array(ROWS_PER_INSERT).fill(ROW).join(', ')}`,
    );
    this.#drop = db.prepare('DELETE FROM rt_trace WHERE id <= ?');
    this.#atOf = db.prepare('SELECT at FROM rt_trace WHERE id <= ? ORDER BY id DESC LIMIT 1');
    this.#noteDropped = db.prepare(
      'INSERT INTO rt_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
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
    let i = 0;
    for (; i + ROWS_PER_INSERT <= pending.length; i += ROWS_PER_INSERT) {
      const values: FactValues[number][] = [];
      for (let j = i; j < i + ROWS_PER_INSERT; j += 1)
        values.push(...valuesOf(pending[j] as Pending));
      lastId = Number(this.#insertMany.run(...values).lastInsertRowid);
    }
    for (; i < pending.length; i += 1) {
      lastId = Number(this.#insert.run(...valuesOf(pending[i] as Pending)).lastInsertRowid);
    }
    this.#sincePrune += pending.length;
    if (this.#sincePrune >= this.#pruneEvery) this.#prune(lastId);
  }

  /** Drops all but the newest `maxFacts`, noting until when facts are gone. */
  #prune(lastId: number): void {
    this.#sincePrune = 0;
    const threshold = lastId - this.maxFacts;
    if (threshold <= 0) return;
    const newestDropped = this.#atOf.get(threshold);
    if (!newestDropped) return;
    this.#drop.run(threshold);
    this.#noteDropped.run(DROPPED_UNTIL_KEY, String(newestDropped.at));
  }
}

function valuesOf({ at, fact, subject }: Pending): FactValues {
  const { kind, ...rest } = fact;
  const { eventSeq, replayId, ref } = subject;
  return [at, kind, eventSeq ?? null, replayId ?? null, ref ?? null, JSON.stringify(rest)];
}

interface FactRow {
  id: number;
  at: number;
  kind: string;
  event_seq: number | null;
  replay_id: number | null;
  ref: string | null;
  fact: string;
}

/** Event sequence numbers per IN list: well under SQLite's limit of bound parameters. */
const CHUNK = 500;

/**
 * Reads back the facts about the given stored events (through the index on event_seq) and
 * ids (one scan of the table for all of them: ids are not indexed, so that recording a fact
 * pays nothing for them), oldest first.
 *
 * @example readFacts(db, { eventSeqs: [7, 8], refs: ['9f1c...'] })
 */
function readFacts(
  db: Database,
  about: { readonly eventSeqs?: readonly number[]; readonly refs?: readonly string[] },
): StoredFact[] {
  const rows = new Map<number, FactRow>();
  const seqs = [...new Set(about.eventSeqs ?? [])];
  for (let i = 0; i < seqs.length; i += CHUNK) {
    const chunk = seqs.slice(i, i + CHUNK);
    const found = db
      .prepare(`SELECT * FROM rt_trace WHERE event_seq IN (${chunk.map(() => '?').join(', ')})`)
      .all(...chunk) as FactRow[];
    for (const row of found) rows.set(row.id, row);
  }
  const refs = [...new Set(about.refs ?? [])];
  if (refs.length > 0) {
    const found = db
      .prepare(
        'SELECT * FROM rt_trace WHERE ref IS NOT NULL AND ref IN (SELECT value FROM json_each(?))',
      )
      .all(JSON.stringify(refs)) as FactRow[];
    for (const row of found) rows.set(row.id, row);
  }
  return [...rows.values()].sort((a, b) => a.id - b.id).map(toStoredFact);
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
