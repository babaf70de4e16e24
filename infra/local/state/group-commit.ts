import type { Database } from 'better-sqlite3';
import { InconsistentStateError, ValidationError } from '../errors.ts';

interface GroupCommitOptions {
  /**
   * How long (real time, ms) a group may stay open: the scheduler's next turn commits a group
   * older than this, and a timer does when no turn comes. @default 2000
   */
  readonly maxOpenMs?: number;
  /** Told when a commit its timer ran failed (the scheduler stops the runtime). */
  readonly onError: (error: unknown) => void;
  /** Real time in ms, for the age of a group. @default performance.now */
  readonly now?: () => number;
  /** Told after each commit of a group, outside any transaction. @default - nothing */
  readonly onCommitted?: () => void;
}

/** The default of {@link GroupCommitOptions.maxOpenMs}. */
const DEFAULT_GROUP_COMMIT_MS = 2000;

/**
 * The group commit window from `TXNFLOW_GROUP_COMMIT_MS` (whole ms, at least 1), or
 * undefined for the default: a shorter window bounds what a crash redoes more tightly, at
 * the cost of more commits (the fault drills use it to kill a run mid-way).
 *
 * @example groupCommitMsOf({ TXNFLOW_GROUP_COMMIT_MS: '50' }) // 50
 * @throws {ValidationError} naming the variable and its value when it is not such a number.
 */
function groupCommitMsOf(env: Readonly<Record<string, string | undefined>>): number | undefined {
  const text = (env.TXNFLOW_GROUP_COMMIT_MS ?? '').trim();
  if (text === '') return undefined;
  const ms = Number(text);
  if (!/^\d+$/.test(text) || !Number.isSafeInteger(ms) || ms < 1) {
    throw new ValidationError(
      `TXNFLOW_GROUP_COMMIT_MS must be a whole number of ms (at least 1), got "${text}"`,
    );
  }
  return ms;
}

/**
 * Group commit: the runtime's delivery work and the handlers it invokes write into one
 * SQLite transaction (the group), committed at most `maxOpenMs` after it opened, when the
 * runtime has nothing in flight, before `runUntilIdle` settles, on close, and before a
 * runtime API call made from outside a handler returns (see LocalRuntime). A commit costs
 * the same whether it carries one row or thousands, and a page written by many rows is
 * written once: that is what the group saves.
 *
 * A killed process loses the group it had open, and with it the completions of the
 * deliveries and messages whose effects it held: the state in the file is always that of
 * some earlier moment of the run, and what was lost is delivered again (at least once).
 *
 * Transaction functions (`db.transaction(fn)`) opened while the group is open run as
 * savepoints inside it. So that a commit never cuts one in two, the group counts the
 * transaction functions running (it wraps `db.transaction` of this one database) and does
 * not commit while one runs: a runtime call inside a caller's transaction joins it.
 *
 * @example const group = new GroupCommit(db, { onError: (e) => scheduler.fail(e) }); group.begin();
 */
class GroupCommit {
  readonly #db: Database;
  readonly #maxOpenMs: number;
  readonly #onError: (error: unknown) => void;
  readonly #now: () => number;
  readonly #onCommitted: (() => void) | undefined;
  #openedAt: number | undefined;
  #timer: NodeJS.Timeout | undefined;
  #running = 0;

  constructor(db: Database, options: GroupCommitOptions) {
    this.#db = db;
    this.#maxOpenMs = options.maxOpenMs ?? DEFAULT_GROUP_COMMIT_MS;
    this.#onError = options.onError;
    this.#now = options.now ?? (() => performance.now());
    this.#onCommitted = options.onCommitted;
    this.#countTransactionFunctions();
  }

  /** Whether a group is open. */
  get open(): boolean {
    return this.#openedAt !== undefined;
  }

  /**
   * Opens a group unless one is open, or the connection is inside a transaction of someone
   * else's (then there is nothing to group: their transaction commits what it holds).
   */
  begin(): void {
    if (this.#openedAt !== undefined || this.#db.inTransaction) return;
    this.#db.exec('BEGIN');
    this.#openedAt = this.#now();
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      try {
        this.commit();
      } catch (error) {
        this.#onError(error);
      }
    }, this.#maxOpenMs);
    // Durability's deadline, not work: it must not keep a finished process alive.
    this.#timer.unref();
  }

  /** Commits the group if it has been open for `maxOpenMs` or more. */
  commitIfDue(): void {
    if (this.#openedAt !== undefined && this.#now() - this.#openedAt >= this.#maxOpenMs) {
      this.commit();
    }
  }

  /**
   * Commits the open group: everything written in it becomes durable. Does nothing, and
   * answers false, when no group is open or a transaction function is running.
   *
   * @throws {InconsistentStateError} when SQLite rolled the group back on its own (an I/O or
   * full-disk error does): what it held is lost, as in a crash, and the runtime must stop.
   */
  commit(): boolean {
    if (this.#openedAt === undefined || this.#running > 0) return false;
    this.#close();
    if (!this.#db.inTransaction) {
      throw new InconsistentStateError(
        'the group transaction was rolled back by SQLite (an I/O error or a full disk?): its writes are lost, as in a crash; open the state folder again to resume',
      );
    }
    this.#db.exec('COMMIT');
    this.#onCommitted?.();
    return true;
  }

  /** Rolls the open group back, as a crash would lose it (the runtime stops after an error). */
  rollback(): void {
    if (this.#openedAt === undefined) return;
    this.#close();
    if (this.#db.inTransaction) this.#db.exec('ROLLBACK');
  }

  #close(): void {
    this.#openedAt = undefined;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /**
   * Wraps `db.transaction` so that every transaction function made from now on counts itself
   * while it runs. The functions made before (none: the runtime's parts are built after)
   * would not count.
   */
  #countTransactionFunctions(): void {
    const db = this.#db;
    const make = db.transaction.bind(db);
    const counted = <F extends (...args: never[]) => unknown>(fn: F): F => {
      const group = this;
      return function (this: unknown, ...args: Parameters<F>) {
        group.#running += 1;
        try {
          return fn.apply(this, args);
        } finally {
          group.#running -= 1;
        }
      } as F;
    };
    db.transaction = ((fn: (...args: never[]) => unknown) =>
      make(counted(fn))) as typeof db.transaction;
  }
}

export type { GroupCommitOptions };
export { DEFAULT_GROUP_COMMIT_MS, GroupCommit, groupCommitMsOf };
