import type { Database, Statement } from 'better-sqlite3';
import type { TraceRecorder } from '../trace/recorder.ts';

/**
 * Successful deliveries and consumed messages, written in one transaction per scheduler turn
 * instead of one per item: at-least-once allows it (a crash before the flush only means those
 * items are delivered again) and it is most of the write throughput.
 *
 * @example completions.deliveryDone(42); completions.flush();
 */
class Completions {
  readonly #deliveries: number[] = [];
  readonly #messages: number[] = [];
  readonly #emails: number[] = [];
  readonly #deleteDelivery: Statement<[number]>;
  readonly #deleteEmail: Statement<[number]>;
  readonly #deleteMessage: Statement<[number, number, number]>;
  readonly #flushAll: () => void;
  #closed = false;

  readonly #onMessageDeleted: (queueId: number, rowId: number) => void;
  readonly #trace: TraceRecorder | undefined;

  /**
   * `onMessageDeleted` hears of each consumed message once its delete has committed; the
   * trace's facts are written in the same transaction.
   */
  constructor(
    db: Database,
    onMessageDeleted: (queueId: number, rowId: number) => void,
    trace?: TraceRecorder,
  ) {
    this.#onMessageDeleted = onMessageDeleted;
    this.#trace = trace;
    this.#deleteDelivery = db.prepare('DELETE FROM rt_deliveries WHERE id = ?');
    this.#deleteMessage = db.prepare(
      'DELETE FROM rt_messages WHERE id = ? AND queue_id = ? AND receive_count = ?',
    );
    this.#deleteEmail = db.prepare('DELETE FROM rt_outbox WHERE id = ?');
    this.#flushAll = db.transaction(() => {
      for (const id of this.#deliveries) this.#deleteDelivery.run(id);
      const m = this.#messages;
      for (let i = 0; i < m.length; i += 3) {
        this.#deleteMessage.run(m[i] ?? 0, m[i + 1] ?? 0, m[i + 2] ?? 0);
      }
      for (const id of this.#emails) this.#deleteEmail.run(id);
      this.#trace?.flush();
    });
  }

  get size(): number {
    return this.#deliveries.length + this.#messages.length / 3 + this.#emails.length;
  }

  /** A delivery its target accepted. Ignored once closed: it will be delivered again. */
  deliveryDone(id: number): void {
    if (!this.#closed) this.#deliveries.push(id);
  }

  /**
   * A message its consumer handled; deleted only if its stored receive count is still
   * `receiveCount` (nobody received it again since).
   */
  messageDone(queueId: number, rowId: number, receiveCount: number): void {
    if (!this.#closed) this.#messages.push(rowId, queueId, receiveCount);
  }

  /** An email whose .eml file is written: its outbox row goes. Ignored once closed. */
  emailWritten(id: number): void {
    if (!this.#closed) this.#emails.push(id);
  }

  flush(): void {
    if (this.size === 0 && !this.#trace?.pending) return;
    this.#flushAll();
    this.#deliveries.length = 0;
    this.#emails.length = 0;
    const m = this.#messages;
    for (let i = 0; i < m.length; i += 3) this.#onMessageDeleted(m[i + 1] ?? 0, m[i] ?? 0);
    m.length = 0;
  }

  /** Flushes what is buffered and ignores anything that completes later. */
  close(): void {
    this.flush();
    this.#closed = true;
  }
}

export { Completions };
