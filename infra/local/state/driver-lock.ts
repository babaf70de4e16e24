import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import BetterSqlite3, { type Database } from 'better-sqlite3';
import { StateFolderBusyError, type StateFolderHolder } from '../errors.ts';

/**
 * The file whose exclusive SQLite lock marks the driver. SQLite takes an OS file lock, which
 * the OS drops when the process ends however it ends (SIGKILL included), so a dead driver
 * never leaves the folder locked, and a recycled pid cannot make it look alive.
 */
const LOCK_FILE = 'driver.lock';

/** Who holds the lock: written by the holder right after taking it, for messages only. */
const HOLDER_FILE = 'driver.json';

/** How a caller waits for a busy lock: bounded, and injectable so tests do not sleep. */
interface WaitPolicy {
  /** How long to keep trying before giving up; 0 tries once. */
  readonly timeoutMs: number;
  /** Told once, at the first busy attempt, who holds the folder, so the caller can say so. */
  readonly onWait?: (holder: StateFolderHolder | undefined) => void;
  /** @default - a `setTimeout` promise */
  readonly sleep?: (ms: number) => Promise<void>;
  /** @default Date.now */
  readonly now?: () => number;
}

/** The first pause between two tries, doubled after each try up to {@link MAX_PAUSE_MS}. */
const FIRST_PAUSE_MS = 25;
const MAX_PAUSE_MS = 1000;

/** `txnflow.js ingest a.txt`: this process's script and arguments, for a holder note. */
const thisCommandLine = (): string =>
  [basename(process.argv[1] ?? 'node'), ...process.argv.slice(2)].join(' ');

const realSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Whether a process with this pid exists (EPERM: it exists, under another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Who drives the state folder, from its holder note; `undefined` when there is no note or it
 * names a process that no longer exists (a killed driver's note, until the next one replaces it).
 *
 * @example const holder = readHolder('.txnflow'); // { pid: 1234, command: 'txnflow ingest a.txt', since }
 */
function readHolder(stateDir: string): StateFolderHolder | undefined {
  let note: Partial<StateFolderHolder>;
  try {
    note = JSON.parse(readFileSync(join(stateDir, HOLDER_FILE), 'utf8')) as typeof note;
  } catch {
    return undefined;
  }
  const { pid, command, since } = note;
  if (typeof pid !== 'number' || typeof command !== 'string' || typeof since !== 'string') {
    return undefined;
  }
  return isAlive(pid) ? { pid, command, since } : undefined;
}

/**
 * Retries `attempt` until it answers something, pausing 25 ms, then twice as long each time
 * up to a second; `undefined` when `policy.timeoutMs` ran out first.
 *
 * @example const lock = await retryWithBackoff(() => DriverLock.tryAcquire(dir, 'me'), { timeoutMs: 5000 });
 */
async function retryWithBackoff<T>(
  attempt: () => T | undefined,
  policy: Omit<WaitPolicy, 'onWait'> & { readonly onBusy?: () => void },
): Promise<T | undefined> {
  const sleep = policy.sleep ?? realSleep;
  const now = policy.now ?? Date.now;
  const deadline = now() + policy.timeoutMs;
  let pause = FIRST_PAUSE_MS;
  for (let tries = 0; ; tries += 1) {
    const result = attempt();
    if (result !== undefined) return result;
    if (tries === 0) policy.onBusy?.();
    const left = deadline - now();
    if (left <= 0) return undefined;
    await sleep(Math.min(pause, left));
    pause = Math.min(pause * 2, MAX_PAUSE_MS);
  }
}

/**
 * The right to drive a state folder: to write to it, deliver its events and recover what a
 * previous process left. One process at a time holds it, because deliveries in flight and
 * queue messages taken by an event source mapping live only in the driver's memory, and
 * because row ids come from in-process counters. Readers need no lock.
 *
 * @example const lock = await DriverLock.acquire('.txnflow', 'txnflow ingest a.txt', { timeoutMs: 60_000 });
 */
class DriverLock {
  readonly stateDir: string;
  readonly #db: Database;
  #released = false;

  private constructor(stateDir: string, db: Database) {
    this.stateDir = stateDir;
    this.#db = db;
  }

  /**
   * Takes the lock if nobody holds it, and leaves a holder note naming `command` (by default
   * this process's command line);
   * `undefined` when another process (or another runtime of this one) holds it.
   *
   * @example const lock = DriverLock.tryAcquire('.txnflow', 'txnflow resume');
   */
  static tryAcquire(stateDir: string, command = thisCommandLine()): DriverLock | undefined {
    mkdirSync(stateDir, { recursive: true });
    const db = new BetterSqlite3(join(stateDir, LOCK_FILE), { timeout: 0 });
    try {
      // Never committed: the open transaction is the lock. Nothing is ever written to the file.
      db.exec('BEGIN EXCLUSIVE');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return undefined;
      throw error;
    }
    const holder: StateFolderHolder = {
      pid: process.pid,
      command,
      since: new Date().toISOString(),
    };
    const temp = join(stateDir, `${HOLDER_FILE}.${process.pid}.tmp`);
    writeFileSync(temp, `${JSON.stringify(holder)}\n`);
    renameSync(temp, join(stateDir, HOLDER_FILE));
    return new DriverLock(stateDir, db);
  }

  /**
   * Takes the lock, waiting for its holder to finish for at most `policy.timeoutMs`.
   *
   * @example const lock = await DriverLock.acquire('.txnflow', 'txnflow ingest a.txt', { timeoutMs: 60_000, onWait: (h) => log(h) });
   * @throws {StateFolderBusyError} naming the holder, when the wait ran out.
   */
  static async acquire(
    stateDir: string,
    command: string | undefined,
    policy: WaitPolicy,
  ): Promise<DriverLock> {
    const now = policy.now ?? Date.now;
    const started = now();
    const lock = await retryWithBackoff(() => DriverLock.tryAcquire(stateDir, command), {
      ...policy,
      onBusy: () => policy.onWait?.(readHolder(stateDir)),
    });
    if (lock) return lock;
    throw new StateFolderBusyError(stateDir, readHolder(stateDir), now() - started);
  }

  /** Whether {@link release} has run. */
  get released(): boolean {
    return this.#released;
  }

  /** Lets the next driver in. The note goes first, so a new holder's note is never removed. */
  release(): void {
    if (this.#released) return;
    this.#released = true;
    try {
      rmSync(join(this.stateDir, HOLDER_FILE), { force: true });
    } finally {
      this.#db.close();
    }
  }
}

export type { WaitPolicy };
export { DriverLock, HOLDER_FILE, LOCK_FILE, readHolder, retryWithBackoff };
