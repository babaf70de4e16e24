import { createHash, randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { Arns } from '../arns.ts';
import type { Clock } from '../clock.ts';
import { withReplayName } from '../delivery/payload.ts';
import {
  MessageNotInflightError,
  ReceiptHandleIsInvalidError,
  ResourceNotFoundError,
  ValidationError,
} from '../errors.ts';
import { assertName } from '../names.ts';
import { IdSequence } from '../state/database.ts';
import { eventIdInBody, type FactSubject, type TraceFact } from '../trace/facts.ts';
import type { TraceRecorder } from '../trace/recorder.ts';

interface RedrivePolicy {
  /** The dead-letter queue's name; it must exist. */
  readonly deadLetterQueue: string;
  /** Receives after which the next receive moves the message to the DLQ, 1 to 1000. */
  readonly maxReceiveCount: number;
}

interface CreateQueueParams {
  readonly name: string;
  /** 0 to 43200; fractions are allowed locally, for fast tests. @default 30 */
  readonly visibilityTimeoutSeconds?: number;
  /** @default - no dead-letter queue: a failing message is retried until it expires */
  readonly redrivePolicy?: RedrivePolicy;
}

interface SendMessageParams {
  readonly queue: string;
  readonly body: string;
  /** String message attributes, e.g. `{ ERROR_MESSAGE: '...' }`. */
  readonly attributes?: Readonly<Record<string, string>>;
}

interface ReceiveMessagesParams {
  readonly queue: string;
  /** 1 to 10. @default 10 */
  readonly maxMessages?: number;
  /** @default - the queue's visibility timeout */
  readonly visibilityTimeoutSeconds?: number;
}

/** The system attributes SQS returns with a message, as strings like SQS does. */
interface MessageSystemAttributes {
  readonly ApproximateReceiveCount: string;
  readonly SentTimestamp: string;
  readonly SenderId: string;
  readonly ApproximateFirstReceiveTimestamp: string;
}

/** A message as ReceiveMessage returns it. */
interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly md5OfBody: string;
  readonly attributes: MessageSystemAttributes;
  readonly messageAttributes: Readonly<Record<string, string>>;
}

/** A message as a listing shows it, without receiving it (a type, so it reads as a table row). */
type QueuedMessage = {
  readonly messageId: string;
  readonly sentAt: string;
  readonly receiveCount: number;
  /** False while received and not yet deleted (in flight) or waiting out a failure. */
  readonly visible: boolean;
  /** Why it failed last: its `ERROR_MESSAGE` attribute, or the consumer's last error. */
  readonly errorMessage?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: string;
};

/**
 * A queue and its depth, as ListQueues and GetQueueAttributes tell: `visible` messages
 * (ApproximateNumberOfMessages) and `inFlight` ones, received and not deleted yet or waiting
 * out a failure (ApproximateNumberOfMessagesNotVisible).
 */
type QueueDepth = {
  readonly name: string;
  readonly arn: string;
  /** Where its messages go after `maxReceiveCount` receives; absent when nowhere. */
  readonly deadLetterQueue?: string;
  readonly visible: number;
  readonly inFlight: number;
};

/** A queue's settings, cached: the dispatcher writes to queues by name. */
interface QueueInfo {
  readonly id: number;
  readonly name: string;
  readonly arn: string;
  readonly visibilityTimeoutMs: number;
  readonly deadLetterQueue: string | undefined;
  readonly maxReceiveCount: number | undefined;
}

/** ChangeMessageVisibility's parameters: the new timeout counts from now. */
interface ChangeVisibilityParams {
  readonly queue: string;
  readonly receiptHandle: string;
  readonly visibilityTimeoutSeconds: number;
}

/** A message body: text, or a stored event (sent by a replay, when `replayId` is set). */
type MessageContent = string | { readonly eventSeq: number; readonly replayId: number | null };

/** A message taken by a receive: what the caller needs to answer for it. */
interface ClaimedMessage {
  readonly rowId: number;
  readonly messageId: string;
  readonly body: string;
  readonly attributesJson: string | null;
  readonly sentAt: number;
  readonly receiveCount: number;
  /** Receives over the message's whole life: those before each redrive, and this one. */
  readonly lifeReceives: number;
  readonly firstReceivedAt: number;
  /** The stored event the message carries, when it carries one (not a text body). */
  readonly eventSeq: number | null;
  readonly replayId: number | null;
}

interface MessageRow {
  id: number;
  message_id: string;
  body: string | null;
  event_seq: number | null;
  replay_id: number | null;
  event_json: string | null;
  replay_name: string | null;
  attributes: string | null;
  sent_at: number;
  visible_at: number;
  receive_count: number;
  earlier_receives: number;
  first_received_at: number | null;
  last_error: string | null;
}

interface QueueRow {
  id: number;
  name: string;
  visibility_timeout_ms: number;
  dlq_name: string | null;
  max_receive_count: number | null;
}

const MAX_MESSAGE_BYTES = 256 * 1024;
const SELECT_MESSAGE =
  'SELECT m.*, e.json AS event_json, r.name AS replay_name FROM rt_messages m ' +
  'LEFT JOIN rt_events e ON e.seq = m.event_seq LEFT JOIN rt_replays r ON r.id = m.replay_id ';
const MAX_VISIBILITY_SECONDS = 43200;

/**
 * The queues ("SQS"): messages in SQLite with a visibility deadline, receive counts and
 * redrive to a dead-letter queue on the receive after `maxReceiveCount`. Visibility deadlines
 * and the timestamps shown to consumers are the runtime clock's milliseconds.
 *
 * @example queues.create({ name: 'Orders', redrivePolicy: { deadLetterQueue: 'OrdersDLQ', maxReceiveCount: 3 } });
 */
class Queues {
  readonly #db: Database;
  readonly #arns: Arns;
  readonly #accountId: string;
  readonly #clock: Clock;
  readonly #onMessages: (queueId: number) => void;
  readonly #byName = new Map<string, QueueInfo>();
  readonly #byId = new Map<number, QueueInfo>();
  readonly #ids: IdSequence;
  readonly #insert: Statement<
    [
      number,
      number,
      string,
      string | null,
      number | null,
      number | null,
      string | null,
      number,
      number,
    ]
  >;
  readonly #selectVisibleIds: Statement<[number, number, number], number>;
  readonly #selectMessage: Statement<[number], MessageRow>;
  readonly #markReceived: Statement<[number, number, number]>;
  readonly #moveToDlq: Statement<[number, number, string, number]>;
  readonly #deleteReceived: Statement<[number, number, number]>;
  readonly #countQueue: Statement<[number], { n: number }>;
  readonly #anyInQueue: Statement<[number], { one: number }>;
  readonly #nextVisible: Statement<[number, number], { at: number | null }>;
  readonly #claimTx: (
    queue: QueueInfo,
    max: number,
    visibilityMs: number | 'held',
    now: number,
  ) => ClaimedMessage[];
  /** Messages an event source mapping has taken, by queue; in memory only (see `hold`). */
  readonly #held = new Map<number, Set<number>>();
  /** When a held message that fails becomes visible, where its handler changed that. */
  readonly #heldVisibleAt = new Map<number, number>();
  readonly #changeVisibility: Statement<[number, number, number, number, number]>;
  readonly #failHeld: Statement<[number, number, string, number]>;
  readonly #trace: TraceRecorder | undefined;

  /** `trace` records moves to and from dead-letter queues. */
  constructor(
    db: Database,
    arns: Arns,
    accountId: string,
    clock: Clock,
    onMessages: (queueId: number) => void,
    trace?: TraceRecorder,
  ) {
    this.#db = db;
    this.#trace = trace;
    this.#arns = arns;
    this.#accountId = accountId;
    this.#clock = clock;
    this.#onMessages = onMessages;
    this.#ids = new IdSequence(db, 'rt_messages', 'id');
    this.#insert = db.prepare(
      'INSERT INTO rt_messages (id, queue_id, message_id, body, event_seq, replay_id, attributes, sent_at, visible_at) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)',
    );
    // Ids first, from the index alone: the messages a mapping holds are still visible in the
    // table and are read past, and only the ones taken are read whole (with their event).
    this.#selectVisibleIds = db
      .prepare<[number, number, number], number>(
        'SELECT id FROM rt_messages WHERE queue_id = ? AND visible_at <= ? ORDER BY visible_at LIMIT ?',
      )
      .pluck();
    this.#selectMessage = db.prepare(`${SELECT_MESSAGE}WHERE m.id = ?`);
    this.#markReceived = db.prepare(
      'UPDATE rt_messages SET visible_at = ?, receive_count = receive_count + 1, ' +
        'first_received_at = COALESCE(first_received_at, ?) WHERE id = ?',
    );
    this.#moveToDlq = db.prepare(
      'UPDATE rt_messages SET queue_id = ?, visible_at = ?, receive_count = 0, ' +
        'earlier_receives = earlier_receives + receive_count, last_error = ? WHERE id = ?',
    );
    this.#deleteReceived = db.prepare(
      'DELETE FROM rt_messages WHERE id = ? AND queue_id = ? AND receive_count = ?',
    );
    this.#countQueue = db.prepare('SELECT COUNT(*) AS n FROM rt_messages WHERE queue_id = ?');
    this.#anyInQueue = db.prepare('SELECT 1 AS one FROM rt_messages WHERE queue_id = ? LIMIT 1');
    this.#nextVisible = db.prepare(
      'SELECT MIN(visible_at) AS at FROM rt_messages WHERE queue_id = ? AND visible_at > ?',
    );
    this.#claimTx = db.transaction(
      (queue: QueueInfo, max: number, visibilityMs: number | 'held', now: number) =>
        this.#claim(queue, max, visibilityMs, now),
    );
    this.#changeVisibility = db.prepare(
      'UPDATE rt_messages SET visible_at = ? WHERE id = ? AND queue_id = ? AND receive_count = ? ' +
        'AND visible_at > ?',
    );
    this.#failHeld = db.prepare(
      'UPDATE rt_messages SET visible_at = ?, receive_count = receive_count + 1, ' +
        'first_received_at = COALESCE(first_received_at, ?), last_error = ? WHERE id = ?',
    );
    for (const row of db.prepare('SELECT * FROM rt_queues').all() as QueueRow[]) {
      this.#remember(row);
    }
  }

  /**
   * Creates the queue, or updates its settings when it exists (idempotent).
   *
   * @throws {ResourceNotFoundError} when the redrive policy names a queue that does not exist.
   */
  create(params: CreateQueueParams): { queueUrl: string; queueArn: string } {
    assertName('queue', params.name);
    const seconds = params.visibilityTimeoutSeconds ?? 30;
    if (!(seconds >= 0 && seconds <= MAX_VISIBILITY_SECONDS)) {
      throw new ValidationError(`visibilityTimeoutSeconds must be 0 to 43200, got ${seconds}`);
    }
    const redrive = params.redrivePolicy;
    if (redrive) {
      this.require(redrive.deadLetterQueue);
      const max = redrive.maxReceiveCount;
      if (!(Number.isInteger(max) && max >= 1 && max <= 1000)) {
        throw new ValidationError(`maxReceiveCount must be 1 to 1000, got ${max}`);
      }
    }
    const row = this.#db
      .prepare(
        'INSERT INTO rt_queues (name, visibility_timeout_ms, dlq_name, max_receive_count, created_at) ' +
          'VALUES (?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET ' +
          'visibility_timeout_ms = excluded.visibility_timeout_ms, dlq_name = excluded.dlq_name, ' +
          'max_receive_count = excluded.max_receive_count RETURNING *',
      )
      .get(
        params.name,
        Math.round(seconds * 1000),
        redrive?.deadLetterQueue ?? null,
        redrive?.maxReceiveCount ?? null,
        this.#clock.now(),
      ) as QueueRow;
    const queue = this.#remember(row);
    return { queueUrl: `local://sqs/${this.#accountId}/${queue.name}`, queueArn: queue.arn };
  }

  find(name: string): QueueInfo | undefined {
    return this.#byName.get(name);
  }

  byId(id: number): QueueInfo | undefined {
    return this.#byId.get(id);
  }

  /** @throws {ResourceNotFoundError} (SQS's `QueueDoesNotExist`) when there is no such queue. */
  require(name: string): QueueInfo {
    const queue = this.#byName.get(name);
    if (!queue) {
      throw new ResourceNotFoundError('Queue', name, 'AWS.SimpleQueueService.NonExistentQueue');
    }
    return queue;
  }

  names(): string[] {
    return [...this.#byName.keys()];
  }

  /** SendMessage. */
  send(params: SendMessageParams): { messageId: string; md5OfBody: string } {
    const queue = this.require(params.queue);
    if (typeof params.body !== 'string' || params.body.length === 0) {
      throw new ValidationError('The message body must be a non-empty string');
    }
    if (Buffer.byteLength(params.body) > MAX_MESSAGE_BYTES) {
      throw new ValidationError(`The message body is over the ${MAX_MESSAGE_BYTES} byte limit`);
    }
    const attributes = params.attributes ? JSON.stringify(params.attributes) : null;
    const messageId = this.insert(queue, params.body, attributes);
    this.#onMessages(queue.id);
    return { messageId, md5OfBody: md5(params.body) };
  }

  /**
   * Writes one message, with no validation or wake-up: the dispatcher's bulk path, inside its
   * own transaction, wakes consumers once per batch.
   */
  insert(queue: QueueInfo, content: MessageContent, attributesJson: string | null): string {
    const messageId = randomUUID();
    const byRef = typeof content !== 'string';
    const now = this.#clock.now();
    this.#insert.run(
      this.#ids.next(),
      queue.id,
      messageId,
      byRef ? null : content,
      byRef ? content.eventSeq : null,
      byRef ? content.replayId : null,
      attributesJson,
      now,
      now,
    );
    return messageId;
  }

  /** Tells consumers of a queue that messages arrived (after a bulk insert commits). */
  notify(queueId: number): void {
    this.#onMessages(queueId);
  }

  /** ReceiveMessage: hides the messages for the visibility timeout and counts the receive. */
  receive(params: ReceiveMessagesParams): ReceivedMessage[] {
    const queue = this.require(params.queue);
    const max = params.maxMessages ?? 10;
    if (!(Number.isInteger(max) && max >= 1 && max <= 10)) {
      throw new ValidationError(`maxMessages must be 1 to 10, got ${max}`);
    }
    const seconds = params.visibilityTimeoutSeconds;
    if (seconds !== undefined && !(seconds >= 0 && seconds <= MAX_VISIBILITY_SECONDS)) {
      throw new ValidationError(`visibilityTimeoutSeconds must be 0 to 43200, got ${seconds}`);
    }
    const visibilityMs = seconds === undefined ? queue.visibilityTimeoutMs : seconds * 1000;
    return this.claim(queue, max, visibilityMs).map((m) => this.toReceived(queue, m));
  }

  /**
   * Takes up to `max` visible messages in one transaction, hiding them for `visibilityMs`;
   * messages already received `maxReceiveCount` times move to the dead-letter queue instead,
   * as SQS redrive does.
   */
  claim(queue: QueueInfo, max: number, visibilityMs: number): ClaimedMessage[] {
    return this.#claimTx(queue, max, visibilityMs, this.#clock.now());
  }

  /**
   * Takes up to `max` visible messages for an event source mapping without writing anything:
   * the mapping runs in this process, so the claim lives in memory, and a process that dies
   * leaves its messages visible, to be taken again on reopen. Nothing is written on the happy
   * path (the delete follows); a failure writes the receive with `failHeld`.
   */
  hold(queue: QueueInfo, max: number, now = this.#clock.now()): ClaimedMessage[] {
    return this.#claimTx(queue, max, 'held', now);
  }

  /**
   * A held message failed: count the receive, hide it for the visibility timeout (then it is
   * retried, or moved to the DLQ past `maxReceiveCount`) and remember why.
   */
  failHeld(
    queue: QueueInfo,
    message: ClaimedMessage,
    reason: string,
    now = this.#clock.now(),
  ): void {
    const visibleAt = this.#heldVisibleAt.get(message.rowId) ?? now + queue.visibilityTimeoutMs;
    this.#failHeld.run(visibleAt, message.firstReceivedAt, reason, message.rowId);
    this.#held.get(queue.id)?.delete(message.rowId);
    this.#heldVisibleAt.delete(message.rowId);
    // Visible already (a handler set 0 s): no timer would wake the mapping for it.
    if (visibleAt <= now) this.#onMessages(queue.id);
  }

  /** A held message was deleted (its delete committed): it is no longer held. */
  released(queueId: number, rowId: number): void {
    this.#held.get(queueId)?.delete(rowId);
    this.#heldVisibleAt.delete(rowId);
  }

  /**
   * ChangeMessageVisibility: the message of a receipt handle becomes visible `seconds` from now
   * (0 to 43,200). A message an event source mapping holds keeps the new time for when its
   * handler reports it failed, as SQS keeps it for Lambda's partial batch responses: what a
   * handler uses to retry a failure after a backoff of its own.
   *
   * @throws {ReceiptHandleIsInvalidError} when the handle was not issued for this queue.
   * @throws {MessageNotInflightError} when the message is not in flight under this handle.
   */
  changeVisibility(params: ChangeVisibilityParams): void {
    const queue = this.require(params.queue);
    const seconds = params.visibilityTimeoutSeconds;
    if (!(Number.isInteger(seconds) && seconds >= 0 && seconds <= MAX_VISIBILITY_SECONDS)) {
      throw new ValidationError(`visibilityTimeoutSeconds must be 0 to 43200, got ${seconds}`);
    }
    const handle = handleIn(queue, params.receiptHandle);
    const now = this.#clock.now();
    const visibleAt = now + seconds * 1000;
    // A held message's row still has the receive count before this receive.
    if (this.isHeld(queue.id, handle.rowId)) {
      this.#heldVisibleAt.set(handle.rowId, visibleAt);
      return;
    }
    const { changes } = this.#changeVisibility.run(
      visibleAt,
      handle.rowId,
      queue.id,
      handle.receiveCount,
      now,
    );
    if (changes === 0) throw new MessageNotInflightError(params.receiptHandle);
    // The mapping's timer was set for the old time: it looks again.
    this.#onMessages(queue.id);
  }

  /** Whether a mapping holds the message (it looks visible in the table but is in flight). */
  isHeld(queueId: number, rowId: number): boolean {
    return this.#held.get(queueId)?.has(rowId) ?? false;
  }

  /** A claimed message in ReceiveMessage's shape. */
  toReceived(queue: QueueInfo, m: ClaimedMessage): ReceivedMessage {
    return {
      messageId: m.messageId,
      receiptHandle: receiptHandleOf(queue.id, m.rowId, m.receiveCount),
      body: m.body,
      md5OfBody: md5(m.body),
      attributes: this.systemAttributes(m),
      messageAttributes: m.attributesJson ? JSON.parse(m.attributesJson) : {},
    };
  }

  /** The system attributes of a claimed message, as SQS spells them. */
  systemAttributes(m: ClaimedMessage): MessageSystemAttributes {
    return {
      ApproximateReceiveCount: String(m.receiveCount),
      SentTimestamp: String(m.sentAt),
      SenderId: this.#accountId,
      ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
    };
  }

  /**
   * DeleteMessage. A handle from an earlier receive of a message received again since
   * deletes nothing, and succeeds, as SQS does.
   *
   * @throws {ReceiptHandleIsInvalidError} when the handle was not issued for this queue.
   */
  delete(params: { readonly queue: string; readonly receiptHandle: string }): void {
    const queue = this.require(params.queue);
    const handle = handleIn(queue, params.receiptHandle);
    this.#deleteReceived.run(handle.rowId, queue.id, handle.receiveCount);
  }

  /** Deletes a message the caller claimed; no transaction of its own (callers batch these). */
  deleteClaimed(queueId: number, rowId: number, receiveCount: number): void {
    this.#deleteReceived.run(rowId, queueId, receiveCount);
  }

  /** Every queue with its depth, by name. */
  list(): QueueDepth[] {
    const now = this.#clock.now();
    const counts = this.#db
      .prepare(
        'SELECT queue_id AS id, SUM(visible_at <= ?) AS visible, COUNT(*) AS total ' +
          'FROM rt_messages GROUP BY queue_id',
      )
      .all(now) as { id: number; visible: number; total: number }[];
    const byQueue = new Map(counts.map((c) => [c.id, c]));
    return [...this.#byName.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((queue) => {
        const count = byQueue.get(queue.id);
        // Held messages look visible in the file: only this process knows it holds them.
        const visible = Math.max(0, (count?.visible ?? 0) - (this.#held.get(queue.id)?.size ?? 0));
        return {
          name: queue.name,
          arn: queue.arn,
          ...(queue.deadLetterQueue ? { deadLetterQueue: queue.deadLetterQueue } : {}),
          visible,
          inFlight: (count?.total ?? 0) - visible,
        };
      });
  }

  /** Lists a queue's messages without receiving them. */
  peek(name: string): QueuedMessage[] {
    const queue = this.require(name);
    const now = this.#clock.now();
    const rows = this.#db
      .prepare(`${SELECT_MESSAGE}WHERE m.queue_id = ? ORDER BY m.id`)
      .all(queue.id) as MessageRow[];
    return rows.map((row) => {
      const attributes = (row.attributes ? JSON.parse(row.attributes) : {}) as Record<
        string,
        string
      >;
      const errorMessage = attributes.ERROR_MESSAGE ?? row.last_error ?? undefined;
      return {
        messageId: row.message_id,
        sentAt: new Date(row.sent_at).toISOString(),
        receiveCount: row.receive_count,
        visible: row.visible_at <= now && !this.isHeld(queue.id, row.id),
        ...(errorMessage !== undefined ? { errorMessage } : {}),
        attributes,
        body: bodyOf(row),
      };
    });
  }

  /**
   * Moves every message of `from` to `to` (a DLQ redrive): by default, back to the queue whose
   * dead-letter queue `from` is. Moved messages are visible at once with a fresh receive count.
   *
   * @throws {ValidationError} when `to` is not given and `from` is not exactly one queue's DLQ.
   */
  move(params: { readonly from: string; readonly to?: string }): number {
    const from = this.require(params.from);
    const to = params.to === undefined ? this.#sourceOf(from) : this.require(params.to);
    if (this.#trace?.enabled) this.#recordRedrive(from, to);
    const moved = this.#db
      .prepare(
        'UPDATE rt_messages SET queue_id = ?, visible_at = ?, receive_count = 0, ' +
          'earlier_receives = earlier_receives + receive_count, first_received_at = NULL ' +
          'WHERE queue_id = ?',
      )
      .run(to.id, this.#clock.now(), from.id).changes;
    if (moved > 0) this.#onMessages(to.id);
    return moved;
  }

  /** Records, for each message `move` is about to move, where it goes. */
  #recordRedrive(from: QueueInfo, to: QueueInfo): void {
    const rows = this.#db
      .prepare('SELECT message_id, body, event_seq, replay_id FROM rt_messages WHERE queue_id = ?')
      .all(from.id) as Pick<MessageRow, 'message_id' | 'body' | 'event_seq' | 'replay_id'>[];
    for (const row of rows) {
      const fact: TraceFact = {
        kind: 'redriven',
        from: from.name,
        to: to.name,
        messageId: row.message_id,
      };
      this.#trace?.record(fact, subjectOf(row));
    }
  }

  /**
   * Makes every received-but-not-deleted message visible again. Run on open: every consumer of
   * an embedded runtime lived in the process that held the state folder before, so none of
   * them will delete those messages any more; waiting out their timeouts would only delay.
   */
  releaseInFlight(): number {
    const now = this.#clock.now();
    return this.#db
      .prepare('UPDATE rt_messages SET visible_at = ? WHERE receive_count > 0 AND visible_at > ?')
      .run(now, now).changes;
  }

  /** Whether the queue holds any message, visible or not (cheaper than counting). */
  hasMessages(queueId: number): boolean {
    return this.#anyInQueue.get(queueId) !== undefined;
  }

  /** Messages in the queue, visible or not. */
  count(queueId: number): number {
    return this.#countQueue.get(queueId)?.n ?? 0;
  }

  /**
   * The earliest time (the clock's ms) after `after` at which a message becomes visible; it may
   * already be past, when the message turned visible since `after`.
   */
  nextVisibleAfter(queueId: number, after: number): number | undefined {
    return this.#nextVisible.get(queueId, after)?.at ?? undefined;
  }

  #claim(
    queue: QueueInfo,
    max: number,
    visibilityMs: number | 'held',
    now: number,
  ): ClaimedMessage[] {
    const claimed: ClaimedMessage[] = [];
    const receivedAt = this.#clock.now();
    const dlq = queue.deadLetterQueue ? this.#byName.get(queue.deadLetterQueue) : undefined;
    const held = this.#heldIn(queue.id);
    const seen = new Set<number>();
    let movedToDlq = 0;
    // Loops only when messages went to the DLQ, to fill the batch with the ones behind them.
    for (;;) {
      const wanted = max - claimed.length;
      // Messages a mapping holds are still visible in the table: read past them.
      const ids = this.#selectVisibleIds.all(queue.id, now, wanted + held.size);
      let moved = 0;
      let fresh = 0;
      for (const id of ids) {
        if (held.has(id) || seen.has(id)) continue;
        seen.add(id);
        fresh += 1;
        if (claimed.length >= max) break;
        const row = this.#selectMessage.get(id);
        if (!row) continue;
        if (
          dlq &&
          queue.maxReceiveCount !== undefined &&
          row.receive_count >= queue.maxReceiveCount
        ) {
          this.#moveToDlq.run(dlq.id, now, redriveReason(queue, row), row.id);
          this.#recordMove(queue, dlq, row);
          moved += 1;
          continue;
        }
        if (visibilityMs === 'held') held.add(row.id);
        else this.#markReceived.run(now + visibilityMs, receivedAt, row.id);
        claimed.push({
          rowId: row.id,
          messageId: row.message_id,
          body: bodyOf(row),
          attributesJson: row.attributes,
          sentAt: row.sent_at,
          receiveCount: row.receive_count + 1,
          lifeReceives: row.earlier_receives + row.receive_count + 1,
          firstReceivedAt: row.first_received_at ?? receivedAt,
          eventSeq: row.event_seq,
          replayId: row.replay_id,
        });
      }
      movedToDlq += moved;
      if (moved === 0 || fresh < wanted || claimed.length >= max) break;
    }
    if (movedToDlq > 0 && dlq) this.#onMessages(dlq.id);
    return claimed;
  }

  #recordMove(queue: QueueInfo, dlq: QueueInfo, row: MessageRow): void {
    if (!this.#trace?.enabled) return;
    const fact: TraceFact = {
      kind: 'moved-to-dlq',
      from: queue.name,
      to: dlq.name,
      messageId: row.message_id,
      receives: row.receive_count,
      ...(row.last_error ? { lastError: row.last_error } : {}),
    };
    this.#trace.record(fact, subjectOf(row));
  }

  #heldIn(queueId: number): Set<number> {
    let held = this.#held.get(queueId);
    if (!held) {
      held = new Set();
      this.#held.set(queueId, held);
    }
    return held;
  }

  #sourceOf(dlq: QueueInfo): QueueInfo {
    const sources = [...this.#byName.values()].filter((q) => q.deadLetterQueue === dlq.name);
    const [source] = sources;
    if (!source || sources.length > 1) {
      throw new ValidationError(
        `${dlq.name} is the dead-letter queue of ${sources.length} queues; say where to move its messages`,
      );
    }
    return source;
  }

  #remember(row: QueueRow): QueueInfo {
    const queue: QueueInfo = {
      id: row.id,
      name: row.name,
      arn: this.#arns.queue(row.name),
      visibilityTimeoutMs: row.visibility_timeout_ms,
      deadLetterQueue: row.dlq_name ?? undefined,
      maxReceiveCount: row.max_receive_count ?? undefined,
    };
    this.#byName.set(queue.name, queue);
    this.#byId.set(queue.id, queue);
    return queue;
  }
}

function bodyOf(row: MessageRow): string {
  if (row.body !== null) return row.body;
  const event = row.event_json ?? '{}';
  return row.replay_name ? withReplayName(event, row.replay_name) : event;
}

/**
 * What a fact about a message is about: the stored event it carries, or the id of the event
 * in its text body (a dead letter a consumer sent), or else the message itself.
 */
function subjectOf(message: {
  readonly message_id: string;
  readonly body: string | null;
  readonly event_seq: number | null;
  readonly replay_id: number | null;
}): FactSubject {
  if (message.event_seq !== null) {
    return { eventSeq: message.event_seq, replayId: message.replay_id };
  }
  return { ref: eventIdInBody(message.body ?? '') ?? message.message_id };
}

function redriveReason(queue: QueueInfo, row: MessageRow): string {
  const last = row.last_error ? `; last error: ${row.last_error}` : '';
  return `moved from ${queue.name} after ${row.receive_count} receives${last}`;
}

/**
 * The hex MD5 of a text's UTF-8 bytes, as SQS reports `MD5OfBody`.
 *
 * @example md5('hello') // '5d41402abc4b2a76b9719d911017c592'
 */
function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

/**
 * A receipt handle: it names the queue, the message and the receive it came from, so a handle
 * from an earlier receive deletes nothing.
 *
 * @example receiptHandleOf(1, 42, 2) // '1.42.2'
 */
function receiptHandleOf(queueId: number, rowId: number, receiveCount: number): string {
  return `${queueId}.${rowId}.${receiveCount}`;
}

function parseReceiptHandle(
  handle: string,
): { queueId: number; rowId: number; receiveCount: number } | undefined {
  if (typeof handle !== 'string') return undefined;
  const parts = handle.split('.');
  if (parts.length !== 3 || parts.some((p) => !/^\d+$/.test(p))) return undefined;
  const [queueId, rowId, receiveCount] = parts.map(Number) as [number, number, number];
  return { queueId, rowId, receiveCount };
}

/**
 * The receipt handle of a message of `queue`.
 *
 * @throws {ReceiptHandleIsInvalidError} when the handle was not issued for this queue.
 */
function handleIn(
  queue: QueueInfo,
  receiptHandle: string,
): { queueId: number; rowId: number; receiveCount: number } {
  const handle = parseReceiptHandle(receiptHandle);
  if (!handle || handle.queueId !== queue.id) throw new ReceiptHandleIsInvalidError(receiptHandle);
  return handle;
}

export type {
  ChangeVisibilityParams,
  ClaimedMessage,
  CreateQueueParams,
  MessageContent,
  MessageSystemAttributes,
  QueueDepth,
  QueuedMessage,
  QueueInfo,
  ReceivedMessage,
  ReceiveMessagesParams,
  RedrivePolicy,
  SendMessageParams,
};
export { md5, Queues, receiptHandleOf, subjectOf };
