import { mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { DamagedStateFolderError, InconsistentStateError } from '../errors.ts';

/** The file, under the state folder, that holds everything the runtime keeps. */
const DATABASE_FILE = 'runtime.sqlite';

/**
 * Schema migrations, applied in order, each once. Every runtime table is prefixed `rt_` because
 * services create their own tables in the same database. Append, never edit: a state folder
 * written by an older runtime is migrated forward on open.
 */
const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE rt_buses (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE rt_rules (
    id INTEGER PRIMARY KEY,
    bus_id INTEGER NOT NULL,
    name TEXT NOT NULL,
    pattern TEXT NOT NULL,
    state TEXT NOT NULL,
    UNIQUE (bus_id, name)
  );
  CREATE TABLE rt_targets (
    id INTEGER PRIMARY KEY,
    rule_id INTEGER NOT NULL,
    target_key TEXT NOT NULL,
    config TEXT NOT NULL,
    UNIQUE (rule_id, target_key)
  );
  -- Events are never deleted, so rowids only grow: the archive and replays rely on it.
  CREATE TABLE rt_events (
    seq INTEGER PRIMARY KEY,
    bus_id INTEGER NOT NULL,
    arrived_at INTEGER NOT NULL,
    json TEXT NOT NULL
  );
  -- Ids come from an in-process counter (see IdSequence), not AUTOINCREMENT: the dispatcher's
  -- cursor needs them to grow within a process, and the counter does that without a write to
  -- sqlite_sequence in every PutEvents transaction.
  CREATE TABLE rt_deliveries (
    id INTEGER PRIMARY KEY,
    event_seq INTEGER NOT NULL,
    target_id INTEGER NOT NULL,
    replay_id INTEGER,
    attempts INTEGER NOT NULL DEFAULT 0,
    due_at INTEGER NOT NULL DEFAULT 0,
    state INTEGER NOT NULL DEFAULT 0,
    last_error TEXT
  );
  CREATE TABLE rt_archives (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    bus_id INTEGER NOT NULL,
    pattern TEXT,
    retention_days INTEGER NOT NULL DEFAULT 0,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE rt_archive_events (
    archive_id INTEGER NOT NULL,
    arrived_at INTEGER NOT NULL,
    event_seq INTEGER NOT NULL,
    PRIMARY KEY (archive_id, arrived_at, event_seq)
  ) WITHOUT ROWID;
  CREATE TABLE rt_replays (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    archive_id INTEGER NOT NULL,
    from_ms INTEGER NOT NULL,
    to_ms INTEGER NOT NULL,
    rules TEXT,
    state TEXT NOT NULL,
    events_total INTEGER NOT NULL,
    events_replayed INTEGER NOT NULL DEFAULT 0,
    cursor_arrived_at INTEGER NOT NULL DEFAULT -1,
    cursor_seq INTEGER NOT NULL DEFAULT -1,
    started_at INTEGER NOT NULL,
    completed_at INTEGER,
    reason TEXT
  );
  CREATE TABLE rt_queues (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    visibility_timeout_ms INTEGER NOT NULL,
    dlq_name TEXT,
    max_receive_count INTEGER,
    created_at INTEGER NOT NULL
  );
  -- Ids come from an in-process counter too: receipt handles name a message by id.
  -- A message that carries a whole event stores no body: it points at the event (and the
  -- replay that sent it), so the event JSON is written once however many queues get it.
  CREATE TABLE rt_messages (
    id INTEGER PRIMARY KEY,
    queue_id INTEGER NOT NULL,
    message_id TEXT NOT NULL,
    body TEXT,
    event_seq INTEGER,
    replay_id INTEGER,
    attributes TEXT,
    sent_at INTEGER NOT NULL,
    visible_at INTEGER NOT NULL,
    receive_count INTEGER NOT NULL DEFAULT 0,
    first_received_at INTEGER,
    last_error TEXT
  );
  CREATE INDEX rt_messages_by_visibility ON rt_messages (queue_id, visible_at);
  CREATE TABLE rt_mappings (
    id INTEGER PRIMARY KEY,
    uuid TEXT NOT NULL,
    queue_id INTEGER NOT NULL,
    handler TEXT NOT NULL,
    batch_size INTEGER NOT NULL,
    report_failures INTEGER NOT NULL,
    max_concurrency INTEGER NOT NULL,
    UNIQUE (queue_id, handler)
  );
  CREATE TABLE rt_topics (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
  );
  CREATE TABLE rt_subscriptions (
    id INTEGER PRIMARY KEY,
    topic_id INTEGER NOT NULL,
    protocol TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    raw INTEGER NOT NULL DEFAULT 0,
    arn_suffix TEXT NOT NULL,
    UNIQUE (topic_id, protocol, endpoint)
  );
  CREATE TABLE rt_buckets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    created_at INTEGER NOT NULL
  );
  CREATE TABLE rt_objects (
    bucket_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    file TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified INTEGER NOT NULL,
    PRIMARY KEY (bucket_id, key)
  ) WITHOUT ROWID;
  `,
  // Receives a message had before it last moved (to or from a dead-letter queue), so that
  // its receives over its whole life are known: fault decisions key on them.
  `
  ALTER TABLE rt_messages ADD COLUMN earlier_receives INTEGER NOT NULL DEFAULT 0;
  `,
  // Versioned buckets, as S3 keeps them: every version of an object stays readable by its
  // version id after an overwrite. rt_objects holds each key's current version (its version
  // id NULL when it was put before versioning was on: S3's "null" version).
  `
  ALTER TABLE rt_buckets ADD COLUMN versioning TEXT;
  ALTER TABLE rt_objects ADD COLUMN version_id TEXT;
  CREATE TABLE rt_object_versions (
    bucket_id INTEGER NOT NULL,
    key TEXT NOT NULL,
    version_id TEXT NOT NULL,
    file TEXT NOT NULL,
    size INTEGER NOT NULL,
    etag TEXT NOT NULL,
    last_modified INTEGER NOT NULL,
    PRIMARY KEY (bucket_id, key, version_id)
  ) WITHOUT ROWID;
  `,
  // Replays select archived events on the event's own time (StartReplay: "based on the time in
  // the event"), not on when it reached the bus. Events archived before this migration get the
  // time their JSON says, or their arrival when it says none that SQLite can read.
  `
  ALTER TABLE rt_archive_events ADD COLUMN event_time INTEGER;
  UPDATE rt_archive_events SET event_time = COALESCE(
    (SELECT unixepoch(json_extract(e.json, '$.time')) * 1000 FROM rt_events e
      WHERE e.seq = rt_archive_events.event_seq),
    arrived_at);
  CREATE INDEX rt_archive_events_by_event_time ON rt_archive_events (archive_id, event_time, event_seq);
  -- A replay's cursor is an event time from now on: one under way starts its window again
  -- (delivery is at least once anyway).
  UPDATE rt_replays SET cursor_arrived_at = -1, cursor_seq = -1, events_replayed = 0,
    events_total = (SELECT COUNT(*) FROM rt_archive_events a WHERE a.archive_id = rt_replays.archive_id
      AND a.event_time BETWEEN rt_replays.from_ms AND rt_replays.to_ms)
    WHERE state IN ('STARTING', 'RUNNING');
  `,
  // PutEvents to a bus that does not exist succeeds on AWS and the event is dropped; locally the
  // dropped events are kept here so that a listing can show them.
  `
  CREATE TABLE rt_dropped_events (
    id INTEGER PRIMARY KEY,
    bus_name TEXT NOT NULL,
    dropped_at INTEGER NOT NULL,
    json TEXT NOT NULL
  );
  `,
  // Trace facts (trace/recorder.ts): what happened to each event, for `txnflow trace`. A fact
  // is about a stored event (event_seq, and the replay that re-sent it) or, failing that, an
  // id (ref: an event id, a correlation id, a batch id). Only the newest facts are kept.
  `
  CREATE TABLE rt_trace (
    id INTEGER PRIMARY KEY,
    at INTEGER NOT NULL,
    kind TEXT NOT NULL,
    event_seq INTEGER,
    replay_id INTEGER,
    ref TEXT,
    fact TEXT NOT NULL
  );
  CREATE INDEX rt_trace_by_event ON rt_trace (event_seq) WHERE event_seq IS NOT NULL;
  CREATE INDEX rt_trace_by_ref ON rt_trace (ref) WHERE ref IS NOT NULL;
  `,
  // Trace facts that come many at a time (a batch's receives, a turn's messages sent for one
  // target) share a row: facts is how many it holds, rt_trace_about which events they are
  // about. A third of the bytes of a row per fact, which kept tracing's cost under 10%.
  `
  ALTER TABLE rt_trace ADD COLUMN facts INTEGER NOT NULL DEFAULT 1;
  CREATE TABLE rt_trace_about (
    event_seq INTEGER NOT NULL,
    fact_id INTEGER NOT NULL,
    PRIMARY KEY (event_seq, fact_id)
  ) WITHOUT ROWID;
  `,
  // Emails a handler published, until their .eml file is written (topics/email-delivery.ts).
  `
  CREATE TABLE rt_outbox (
    id INTEGER PRIMARY KEY,
    file TEXT NOT NULL,
    text TEXT NOT NULL
  );
  `,
];

/**
 * Opens (creating if needed) the runtime's SQLite file under `stateDir` and migrates it. WAL
 * with `synchronous=NORMAL`: a commit survives a killed process (not a power cut), which is the
 * crash the local runtime promises to resume from, at a fraction of the fsync cost.
 *
 * Only the driver (the process holding the folder's driver lock, see driver-lock.ts) opens it
 * so: migrations, recovery and the in-process id counters assume no other process writes.
 *
 * @example const db = openStateDatabase('.txnflow');
 * @throws {DamagedStateFolderError} when the file is missing or empty beside files it owned.
 */
function openStateDatabase(stateDir: string): Database {
  mkdirSync(stateDir, { recursive: true });
  assertNotDamaged(stateDir);
  const db = new BetterSqlite3(join(stateDir, DATABASE_FILE));
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.pragma('temp_store = MEMORY');
  // 64 MiB of page cache: the delivery and message tables stay hot under a million-row run.
  db.pragma('cache_size = -65536');
  // Checkpoints run in a background thread from ~40 MiB of WAL (state/checkpointer.ts); the
  // commit that crosses ~160 MiB checkpoints by itself, should the background fall behind or
  // writes come with no commit that asks it.
  db.pragma('wal_autocheckpoint = 40000');
  db.pragma('journal_size_limit = 67108864');
  try {
    migrate(db);
    assertCurrentShape(db);
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/**
 * Opens the runtime's file read-only, for a reader beside the driver: a read-only connection
 * cannot write by mistake, so it can never disturb the driver's transactions.
 * `undefined` while the folder is not set up yet (no file, or not migrated to this schema):
 * either it is new, or its driver is creating it right now.
 *
 * @example const db = openStateDatabaseReadOnly('.txnflow'); // undefined on a new folder
 */
function openStateDatabaseReadOnly(stateDir: string): Database | undefined {
  const file = join(stateDir, DATABASE_FILE);
  if (fileSize(file) === undefined) return undefined;
  let db: Database;
  try {
    db = new BetterSqlite3(file, { readonly: true, fileMustExist: true });
  } catch (error) {
    // Gone since it was seen: a demo emptying the folder, say. Not set up, then.
    if ((error as { code?: string }).code === 'SQLITE_CANTOPEN') return undefined;
    throw error;
  }
  try {
    db.pragma('busy_timeout = 5000');
    if (schemaVersion(db) < MIGRATIONS.length) {
      db.close();
      return undefined;
    }
    assertCurrentShape(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/**
 * Refuses a folder whose database file is missing or empty while the folder holds what that
 * database indexed (emails, object bodies) or a write-ahead log of it: opened as a fresh
 * state, it would show nothing and go on as if nothing had happened. An empty folder, or one
 * holding only an empty database file and empty subfolders (a first run killed early), is new.
 *
 * @example assertNotDamaged('.txnflow'); // throws DamagedStateFolderError, or returns
 * @throws {DamagedStateFolderError} naming what the folder holds and what to do.
 */
function assertNotDamaged(stateDir: string): void {
  const size = fileSize(join(stateDir, DATABASE_FILE));
  if (size !== undefined && size > 0) return;
  const found: string[] = [];
  const emails = filesIn(join(stateDir, 'outbox')).filter((name) => name.endsWith('.eml'));
  if (emails.length > 0) found.push(`${emails.length} email(s) in outbox/`);
  const objects = filesIn(join(stateDir, 'objects')).filter((name) => !name.endsWith('.tmp'));
  if (objects.length > 0) found.push(`${objects.length} object(s) in objects/`);
  if ((fileSize(join(stateDir, `${DATABASE_FILE}-wal`)) ?? 0) > 0) {
    found.push(`its write-ahead log ${DATABASE_FILE}-wal`);
  }
  if (found.length === 0) return;
  const problem =
    size === undefined ? `${DATABASE_FILE} is missing` : `${DATABASE_FILE} is empty (0 bytes)`;
  throw new DamagedStateFolderError(stateDir, problem, found);
}

function fileSize(path: string): number | undefined {
  try {
    return statSync(path).size;
  } catch {
    return undefined;
  }
}

function filesIn(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function schemaVersion(db: Database): number {
  const table = db
    .prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'rt_meta'")
    .get();
  if (!table) return 0;
  const row = db.prepare("SELECT value FROM rt_meta WHERE key = 'schema_version'").get() as
    | { value: string }
    | undefined;
  return row ? Number(row.value) : 0;
}

/**
 * Refuses a folder written by a development build from before the first release of this
 * schema (same version number, older tables), with a message saying what to do instead of
 * an SQL error at the first queue write.
 */
function assertCurrentShape(db: Database): void {
  const columns = db.prepare("SELECT name FROM pragma_table_info('rt_messages')").all() as {
    name: string;
  }[];
  if (!columns.some((column) => column.name === 'event_seq')) {
    throw new InconsistentStateError(
      'This state folder was written by an early development build of the local runtime; delete it and run again.',
    );
  }
}

function migrate(db: Database): void {
  if (schemaVersion(db) >= MIGRATIONS.length) return;
  db.transaction(() => {
    db.exec('CREATE TABLE IF NOT EXISTS rt_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
    // Read again inside the write transaction: what was read before it may be out of date.
    const applied = schemaVersion(db);
    for (let version = applied; version < MIGRATIONS.length; version += 1) {
      db.exec(MIGRATIONS[version] ?? '');
    }
    db.prepare(
      "INSERT INTO rt_meta (key, value) VALUES ('schema_version', ?) " +
        'ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    ).run(String(MIGRATIONS.length));
  }).immediate();
}

/**
 * Row ids that only grow within a process, starting above the largest id in the table. Cheaper
 * than AUTOINCREMENT (no sqlite_sequence write per transaction); ids freed by deletes may come
 * back after a reopen, which is harmless because cursors and receipt handles do not outlive
 * the process. Sound only because one process at a time writes to a state folder: the driver,
 * which holds the folder's driver lock (driver-lock.ts) from before it reads the largest id
 * until it closes.
 *
 * @example const ids = new IdSequence(db, 'rt_deliveries', 'id'); ids.next()
 */
class IdSequence {
  #last: number;

  constructor(db: Database, table: string, column: string) {
    const row = db.prepare(`SELECT MAX(${column}) AS id FROM ${table}`).get() as {
      id: number | null;
    };
    this.#last = row.id ?? 0;
  }

  next(): number {
    this.#last += 1;
    return this.#last;
  }
}

/**
 * Reads and increments a counter kept in `rt_meta` (the S3 sequencer), inside the caller's
 * transaction so that the number is only used when the write it stamps commits.
 *
 * @example const n = nextCounter(db, 's3_sequencer');
 */
function nextCounter(db: Database, key: string): number {
  const row = db
    .prepare(
      "INSERT INTO rt_meta (key, value) VALUES (?, '1') " +
        'ON CONFLICT (key) DO UPDATE SET value = CAST(value AS INTEGER) + 1 RETURNING value',
    )
    .get(key) as { value: string | number };
  return Number(row.value);
}

export {
  assertNotDamaged,
  DATABASE_FILE,
  IdSequence,
  MIGRATIONS,
  nextCounter,
  openStateDatabase,
  openStateDatabaseReadOnly,
};
