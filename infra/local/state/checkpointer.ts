import { statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type { Database } from 'better-sqlite3';

interface CheckpointerOptions {
  /** The driver's connection: it finishes what the background checkpoint could not. */
  readonly db: Database;
  /** The database file (its write-ahead log is `<file>-wal`). */
  readonly file: string;
  /** WAL size at which a background checkpoint starts. @default 40 MiB */
  readonly walBytes?: number;
  /** Told when a background checkpoint failed (the runtime stops, as for any storage error). */
  readonly onError: (error: unknown) => void;
}

/** What the worker answers to a checkpoint request. */
type WorkerReply = { readonly done: true } | { readonly error: string };

const DEFAULT_WAL_BYTES = 40 * 1024 * 1024;
/** At most this much WAL written during a background checkpoint is copied by the driver. */
const COMPLETE_BYTES = 4 * 1024 * 1024;
/** The longest `close` waits for the worker to close its connection. */
const CLOSE_WAIT_MS = 10_000;

// Plain JavaScript, evaluated by the worker: it must load without the TypeScript loader the
// main thread may run under (tsx, vitest). Its own connection checkpoints the WAL passively,
// which never blocks the driver's writes; closing is acknowledged through shared memory, so
// the driver can wait for it synchronously.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.file, { fileMustExist: true });
db.pragma('synchronous = NORMAL');
db.pragma('busy_timeout = 5000');
const closed = new Int32Array(workerData.closed);
parentPort.on('message', (message) => {
  if (message === 'close') {
    db.close();
    Atomics.store(closed, 0, 1);
    Atomics.notify(closed, 0);
    parentPort.close();
    return;
  }
  try {
    db.pragma('wal_checkpoint(PASSIVE)');
    parentPort.postMessage({ done: true });
  } catch (error) {
    parentPort.postMessage({ error: String((error && error.stack) || error) });
  }
});
`;

/**
 * Checkpoints the write-ahead log off the event loop's thread. A checkpoint copies the pages
 * the WAL holds back into the database file and syncs both: on a write-heavy run that is a
 * tenth of the driver's time when SQLite does it inside the commit that crosses
 * `wal_autocheckpoint`. Here, once the WAL passes `walBytes` after a commit, a worker thread
 * with its own connection checkpoints it passively (the driver keeps writing meanwhile),
 * again while much was written meanwhile; then, at a commit, the driver copies the few pages
 * written since, which completes the checkpoint so that the WAL starts over from its
 * beginning. The worker starts
 * with the first checkpoint: runs that never grow the WAL that far never start it.
 * Checkpoints change no data: a process killed during one loses nothing.
 *
 * @example const checkpointer = new Checkpointer({ db, file, onError }); checkpointer.afterCommit();
 */
class Checkpointer {
  readonly #o: CheckpointerOptions;
  readonly #walBytes: number;
  readonly #closed = new Int32Array(new SharedArrayBuffer(4));
  #worker: Worker | undefined;
  #running = false;
  /** A background checkpoint finished since the driver last completed one. */
  #toComplete = false;
  /** The WAL's size when the last background checkpoint started. */
  #sizeAtStart = 0;
  #idle: Promise<void> = Promise.resolve();
  #settle: () => void = () => {};

  constructor(options: CheckpointerOptions) {
    this.#o = options;
    this.#walBytes = options.walBytes ?? DEFAULT_WAL_BYTES;
  }

  /**
   * After the driver committed (outside any transaction): completes a checkpoint the worker
   * finished, or starts one when the WAL has grown past `walBytes`.
   */
  afterCommit(): void {
    if (this.#running || this.#o.db.inTransaction) return;
    const size = this.#walSize();
    if (this.#toComplete) {
      this.#toComplete = false;
      // Little written since the worker started: the driver copies it and the WAL restarts.
      // Much: the worker goes again, from where it stopped.
      if (size - this.#sizeAtStart <= COMPLETE_BYTES) {
        this.#o.db.pragma('wal_checkpoint(PASSIVE)');
        return;
      }
    } else if (size < this.#walBytes) {
      return;
    }
    this.#sizeAtStart = size;
    this.#running = true;
    this.#idle = new Promise((resolve) => {
      this.#settle = resolve;
    });
    this.#workerOf().postMessage('checkpoint');
  }

  /** Resolves once no background checkpoint is running. */
  idle(): Promise<void> {
    return this.#idle;
  }

  /** Closes the worker's connection, waiting for it (a checkpoint under way finishes first). */
  close(): void {
    const worker = this.#worker;
    if (!worker) return;
    this.#worker = undefined;
    worker.postMessage('close');
    Atomics.wait(this.#closed, 0, 0, CLOSE_WAIT_MS);
    this.#running = false;
    this.#settle();
  }

  #walSize(): number {
    try {
      return statSync(`${this.#o.file}-wal`).size;
    } catch {
      return 0;
    }
  }

  #workerOf(): Worker {
    if (this.#worker) return this.#worker;
    const driver = createRequire(import.meta.url).resolve('better-sqlite3');
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { driver, file: this.#o.file, closed: this.#closed.buffer },
    });
    worker.unref();
    worker.on('message', (reply: WorkerReply) => this.#replied(reply));
    worker.on('error', (error) => this.#o.onError(error));
    this.#worker = worker;
    return worker;
  }

  #replied(reply: WorkerReply): void {
    this.#running = false;
    this.#settle();
    if ('error' in reply) {
      this.#o.onError(new Error(`background checkpoint failed: ${reply.error}`));
      return;
    }
    this.#toComplete = true;
  }
}

export type { CheckpointerOptions };
export { Checkpointer, DEFAULT_WAL_BYTES };
