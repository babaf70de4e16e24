/** The base of the errors the local txnflow's operations answer with, for a user to act on. */
class LocalTxnflowError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalTxnflowError';
  }
}

/** No upload matches a file, or none of the uploads it matches was ingested to the end. */
class NoIngestReportError extends LocalTxnflowError {
  readonly file: string;
  /** The uploads (bucket keys) the file named; none were ingested to the end. */
  readonly uploads: readonly string[];

  constructor(file: string, uploads: readonly string[]) {
    super(
      uploads.length === 0
        ? `no upload of ${file} in the local bucket (txnflow ingest ${file} uploads it)`
        : `no ingest of ${uploads.join(', ')} has finished, so no summary was written: ` +
            `txnflow queues shows the dead-letter queues, txnflow trace ${uploads[0]} what happened`,
    );
    this.name = 'NoIngestReportError';
    this.file = file;
    this.uploads = uploads;
  }
}

/**
 * A redrive of a queue that is not a dead-letter queue: only a dead-letter queue's messages are
 * moved (SQS's StartMessageMoveTask takes only dead-letter queues as its source too).
 */
class NotADeadLetterQueueError extends LocalTxnflowError {
  readonly queue: string;
  /** The queue's own dead-letter queue, where its failed messages are, if it has one. */
  readonly deadLetterQueue: string | undefined;

  constructor(queue: string, deadLetterQueue: string | undefined) {
    const own = deadLetterQueue
      ? `; ${queue}'s failed messages are in ${deadLetterQueue}: txnflow redrive ${deadLetterQueue}`
      : '';
    super(
      `${queue} is not a dead-letter queue, and redrive moves only a dead-letter queue's messages, ` +
        `back where they failed or to the queue --to QUEUE names (txnflow queues lists them)${own}`,
    );
    this.name = 'NotADeadLetterQueueError';
    this.queue = queue;
    this.deadLetterQueue = deadLetterQueue;
  }
}

export { LocalTxnflowError, NoIngestReportError, NotADeadLetterQueueError };
