import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import {
  MessageChannel,
  type MessagePort,
  receiveMessageOnPort,
  Worker,
} from 'node:worker_threads';
import type { Database, Statement } from 'better-sqlite3';
import type { Worker as SchedulerWorker } from '../scheduler.ts';

/** An email waiting to be written: its row in rt_outbox, its file and its text. */
interface PendingEmail {
  readonly id: number;
  readonly file: string;
  readonly text: string;
}

interface EmailDeliveryOptions {
  readonly db: Database;
  /** Told that an email's file is written (its row is deleted with the next completions). */
  readonly written: (id: number) => void;
  readonly wake: () => void;
  readonly fail: (error: unknown) => void;
}

/** What the writer thread reports: the ids it wrote, or why it stopped. */
type WriterReply = { readonly written: readonly number[] } | { readonly error: string };

/** The longest `close` waits for the writer thread to write what it was given. */
const CLOSE_WAIT_MS = 30_000;

// Plain JavaScript, evaluated by the writer thread: it must load without the TypeScript
// loader the main thread may run under (tsx, vitest). It writes each batch it is given, in
// order, and reports the ids written; `outstanding` (shared memory) counts the emails given
// and not yet written, so that `close` can wait for it without the event loop.
const WRITER_SOURCE = `
const { mkdirSync, writeFileSync } = require('node:fs');
const { dirname } = require('node:path');
const { workerData } = require('node:worker_threads');
const outstanding = new Int32Array(workerData.outstanding);
const port = workerData.port;
const made = new Set();
port.on('message', (emails) => {
  const written = [];
  try {
    for (const email of emails) {
      const dir = dirname(email.file);
      if (!made.has(dir)) {
        mkdirSync(dir, { recursive: true });
        made.add(dir);
      }
      writeFileSync(email.file, email.text);
      written.push(email.id);
      Atomics.sub(outstanding, 0, 1);
    }
    port.postMessage({ written });
  } catch (error) {
    port.postMessage({ written });
    port.postMessage({ error: String((error && error.stack) || error) });
    Atomics.store(outstanding, 0, 0);
  }
  Atomics.notify(outstanding, 0);
});
`;

/**
 * SNS's email delivery, in the background: an email published from a handler is recorded
 * in rt_outbox in the caller's transaction (so it is durable exactly when what published it
 * is) and its `.eml` file is written afterwards by a writer thread, as SNS delivers emails
 * after Publish returns. Creating a file costs up to a millisecond on a busy disk; neither
 * the event loop nor the pipeline waits for it any more. A row is deleted once its file is
 * written; rows left by a killed process are written when the folder is opened again (at
 * least once: a file may be written twice, with the same name and text). `runUntilIdle`
 * waits for the files; `close` too. The thread starts with the first email.
 *
 * @example const id = delivery.enqueue(file, text); // written soon, then its row deleted
 */
class EmailDelivery implements SchedulerWorker {
  readonly #o: EmailDeliveryOptions;
  readonly #insert: Statement<[string, string]>;
  readonly #outstanding = new Int32Array(new SharedArrayBuffer(4));
  /** Recorded, not yet given to the writer. */
  #waiting: PendingEmail[] = [];
  /** Given to the writer, not yet reported written. */
  #given = 0;
  #writer: { readonly worker: Worker; readonly port: MessagePort } | undefined;
  readonly #madeDirs = new Set<string>();

  constructor(options: EmailDeliveryOptions, readOnly: boolean) {
    this.#o = options;
    this.#insert = options.db.prepare('INSERT INTO rt_outbox (file, text) VALUES (?, ?)');
    if (readOnly) return;
    const left = options.db.prepare('SELECT id, file, text FROM rt_outbox ORDER BY id').all();
    this.#waiting.push(...(left as PendingEmail[]));
  }

  /** Records an email to write; joins the caller's transaction. Answers its row id. */
  enqueue(file: string, text: string): number {
    const id = Number(this.#insert.run(file, text).lastInsertRowid);
    this.#waiting.push({ id, file, text });
    return id;
  }

  step(): boolean {
    if (this.#waiting.length === 0) return false;
    const batch = this.#waiting;
    this.#waiting = [];
    this.#given += batch.length;
    Atomics.add(this.#outstanding, 0, batch.length);
    this.#writerOf().port.postMessage(batch);
    return false;
  }

  busy(): boolean {
    return this.#waiting.length > 0 || this.#given > 0;
  }

  pending(): string[] {
    const count = this.#waiting.length + this.#given;
    return count > 0 ? [`${count} email(s) to write to the outbox`] : [];
  }

  working(): boolean {
    return this.#given > 0;
  }

  nextWakeAt(): number | undefined {
    return undefined;
  }

  /**
   * Writes, now and on this thread, every email not yet given to the writer: before a listing
   * of the outbox, so that it shows the emails published so far (those the writer has are
   * being written meanwhile).
   */
  writeWaitingNow(): void {
    for (const email of this.#waiting.splice(0)) {
      const dir = dirname(email.file);
      if (!this.#madeDirs.has(dir)) {
        mkdirSync(dir, { recursive: true });
        this.#madeDirs.add(dir);
      }
      writeFileSync(email.file, email.text);
      this.#o.written(email.id);
    }
  }

  /**
   * Writes what is waiting, waits (without the event loop) for the writer to write what it
   * was given, takes its reports and stops it: every email published is in the outbox.
   */
  close(): void {
    this.writeWaitingNow();
    const writer = this.#writer;
    if (!writer) return;
    this.#writer = undefined;
    const deadline = Date.now() + CLOSE_WAIT_MS;
    for (let left = Atomics.load(this.#outstanding, 0); left > 0; ) {
      if (Atomics.wait(this.#outstanding, 0, left, deadline - Date.now()) === 'timed-out') break;
      left = Atomics.load(this.#outstanding, 0);
    }
    for (let m = receiveMessageOnPort(writer.port); m; m = receiveMessageOnPort(writer.port)) {
      this.#replied(m.message as WriterReply);
    }
    writer.port.close();
    void writer.worker.terminate();
  }

  #writerOf(): { readonly worker: Worker; readonly port: MessagePort } {
    if (this.#writer) return this.#writer;
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(WRITER_SOURCE, {
      eval: true,
      workerData: { outstanding: this.#outstanding.buffer, port: port2 },
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    port1.on('message', (reply: WriterReply) => {
      this.#replied(reply);
      this.#o.wake();
    });
    worker.on('error', (error) => this.#o.fail(error));
    this.#writer = { worker, port: port1 };
    return this.#writer;
  }

  #replied(reply: WriterReply): void {
    if ('error' in reply) {
      this.#o.fail(new Error(`writing the outbox failed: ${reply.error}`));
      return;
    }
    this.#given -= reply.written.length;
    for (const id of reply.written) this.#o.written(id);
  }
}

export { EmailDelivery };
