/**
 * What the runtime records about the work it does, one fact per step, so that a trace is
 * built from what happened rather than guessed: each delivery attempt of a rule's target,
 * each message sent to a queue, each receive of a queue message by an event source mapping
 * and the batch it was part of, each move to or from a dead-letter queue, and the services'
 * structured log lines.
 */

/** A rule's target took the event: the queue messages (or topic messages) it became. */
interface SentFact {
  readonly kind: 'sent';
  readonly rule: string;
  readonly target: string;
  readonly queue?: string;
  readonly topic?: string;
  /** One per copy handed over (two when a duplicate fault struck). */
  readonly messageIds: readonly string[];
}

/** One attempt to deliver an event to a rule's target, and what became of it. */
interface AttemptFact {
  readonly kind: 'attempt';
  readonly rule: string;
  readonly target: string;
  /** The handler ("Lambda") for handler targets, else the queue or topic. */
  readonly destination: string;
  /** 1 for the first try. */
  readonly attempt: number;
  readonly durationMs: number;
  readonly outcome: 'ok' | 'failed';
  readonly error?: string;
  /** When the next attempt is due, for a failed attempt that will be retried (the clock's ms). */
  readonly retryAt?: number;
  /** The same attempt was handed over twice (a duplicate fault). */
  readonly duplicated?: boolean;
}

/** The last attempt failed: the event went to the target's dead-letter queue. */
interface DeadLetteredFact {
  readonly kind: 'dead-lettered';
  readonly rule: string;
  readonly target: string;
  readonly queue: string;
  readonly messageId: string;
  readonly error: string;
  readonly attempts: number;
  /** EXHAUSTED_RETRY_CONDITION; absent for an error that is never retried (NO_RESOURCE, …). */
  readonly exhausted?: string;
}

/** The last attempt failed and the target has no dead-letter queue: kept as failed. */
interface UndeliverableFact {
  readonly kind: 'undeliverable';
  readonly rule: string;
  readonly target: string;
  readonly error: string;
  readonly attempts: number;
}

/** One invocation of a queue's handler by its event source mapping. */
interface BatchFact {
  readonly kind: 'batch';
  readonly batchId: string;
  readonly queue: string;
  readonly handler: string;
  readonly size: number;
  /** Messages of the batch that failed (thrown, reported in batchItemFailures, or a fault). */
  readonly failed: number;
  readonly durationMs: number;
}

/** A queue message handed to its handler in a batch, and whether the handler took it. */
interface ReceiveFact {
  readonly kind: 'receive';
  readonly queue: string;
  readonly messageId: string;
  readonly batchId: string;
  /** SQS's ApproximateReceiveCount of this receive. */
  readonly receiveCount: number;
  readonly outcome: 'ok' | 'failed';
  readonly error?: string;
}

/** A message received `receives` times moved to its queue's dead-letter queue (SQS redrive). */
interface MovedToDeadLetterQueueFact {
  readonly kind: 'moved-to-dlq';
  readonly from: string;
  readonly to: string;
  readonly messageId: string;
  readonly receives: number;
  readonly lastError?: string;
}

/** A message moved back from a dead-letter queue for another try (`txnflow redrive`). */
interface RedrivenFact {
  readonly kind: 'redriven';
  readonly from: string;
  readonly to: string;
  readonly messageId: string;
}

/** A rule's dead-lettered event handed to the rule's target again (`txnflow redrive`). */
interface RedriveAttemptFact {
  readonly kind: 'redrive-attempt';
  readonly queue: string;
  readonly rule: string;
  readonly destination: string;
  readonly messageId: string;
  readonly durationMs: number;
  readonly outcome: 'ok' | 'failed';
  readonly error?: string;
}

/** A structured log line of a service. */
interface LogFact {
  readonly kind: 'log';
  readonly service: string;
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

type TraceFact =
  | SentFact
  | AttemptFact
  | DeadLetteredFact
  | UndeliverableFact
  | BatchFact
  | ReceiveFact
  | MovedToDeadLetterQueueFact
  | RedrivenFact
  | RedriveAttemptFact
  | LogFact;

/**
 * What a fact is about: a stored event (its sequence number, and the replay that re-sent it),
 * or, for what is not a stored event's (a message whose body is text, a log line), an id: an
 * event id, a correlation id, a batch id.
 */
interface FactSubject {
  readonly eventSeq?: number | null;
  readonly replayId?: number | null;
  readonly ref?: string | null;
}

/** A fact as read back. */
type StoredFact = TraceFact & {
  readonly id: number;
  /** When it was recorded, the runtime clock's ms. */
  readonly at: number;
  readonly eventSeq: number | null;
  readonly replayId: number | null;
  readonly ref: string | null;
};

/**
 * The id of the EventBridge event a message body carries, when it carries one; the stored
 * envelope puts the id right after the version, so the common case needs no parse.
 *
 * @example eventIdInBody('{"version":"0","id":"9f1c...","detail-type":...}') // '9f1c...'
 */
function eventIdInBody(body: string): string | undefined {
  const prefix = '{"version":"0","id":"';
  if (body.startsWith(prefix)) {
    const end = body.indexOf('"', prefix.length);
    if (end > prefix.length) return body.slice(prefix.length, end);
  }
  try {
    const value = JSON.parse(body) as { id?: unknown; 'detail-type'?: unknown } | null;
    if (value && typeof value.id === 'string' && value['detail-type'] !== undefined) {
      return value.id;
    }
  } catch {
    // Not JSON: not an event.
  }
  return undefined;
}

export type {
  AttemptFact,
  BatchFact,
  DeadLetteredFact,
  FactSubject,
  LogFact,
  MovedToDeadLetterQueueFact,
  ReceiveFact,
  RedriveAttemptFact,
  RedrivenFact,
  SentFact,
  StoredFact,
  TraceFact,
  UndeliverableFact,
};
export { eventIdInBody };
