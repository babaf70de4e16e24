import { mkdirSync, writeFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Database, Statement } from 'better-sqlite3';
import type { Worker } from '../scheduler.ts';

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

/** Files written at once: enough to keep the file system busy, few enough not to fight over it. */
const IN_FLIGHT = 4;

/**
 * SNS's email delivery, in the background: an email published from a handler is recorded
 * in rt_outbox in the caller's transaction (so it is durable exactly when what published it
 * is) and its `.eml` file is written afterwards off the event loop's thread, as SNS delivers
 * emails after Publish returns. A file creation costs up to a millisecond on a busy disk;
 * the pipeline no longer waits for it. A row is deleted once its file is written; rows left
 * by a killed process are written when the folder is opened again (at least once: a file
 * may be written twice, with the same name and text). `runUntilIdle` waits for the files.
 *
 * @example const id = delivery.enqueue(file, text); // written soon, then its row deleted
 */
class EmailDelivery implements Worker {
  readonly #o: EmailDeliveryOptions;
  readonly #insert: Statement<[string, string]>;
  readonly #waiting: PendingEmail[] = [];
  readonly #inFlight = new Map<number, PendingEmail>();
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
    while (this.#inFlight.size < IN_FLIGHT && this.#waiting.length > 0) {
      const email = this.#waiting.shift() as PendingEmail;
      this.#inFlight.set(email.id, email);
      void this.#write(email);
    }
    return false;
  }

  busy(): boolean {
    return this.#waiting.length > 0 || this.#inFlight.size > 0;
  }

  pending(): string[] {
    const count = this.#waiting.length + this.#inFlight.size;
    return count > 0 ? [`${count} email(s) to write to the outbox`] : [];
  }

  working(): boolean {
    return this.#inFlight.size > 0;
  }

  nextWakeAt(): number | undefined {
    return undefined;
  }

  /**
   * Writes, now and on this thread, every email whose background write has not started:
   * before a listing of the outbox and on close, so the folder shows the emails published so
   * far (at most {@link IN_FLIGHT} are being written meanwhile, and finish on their own).
   */
  writeWaitingNow(): void {
    for (const email of this.#waiting.splice(0)) {
      this.#makeDir(email.file);
      writeFileSync(email.file, email.text);
      this.#o.written(email.id);
    }
  }

  async #write(email: PendingEmail): Promise<void> {
    try {
      const dir = dirname(email.file);
      if (!this.#madeDirs.has(dir)) {
        await mkdir(dir, { recursive: true });
        this.#madeDirs.add(dir);
      }
      await writeFile(email.file, email.text);
      this.#inFlight.delete(email.id);
      this.#o.written(email.id);
    } catch (error) {
      this.#o.fail(error);
    } finally {
      this.#o.wake();
    }
  }

  #makeDir(file: string): void {
    const dir = dirname(file);
    if (this.#madeDirs.has(dir)) return;
    mkdirSync(dir, { recursive: true });
    this.#madeDirs.add(dir);
  }
}

export { EmailDelivery };
