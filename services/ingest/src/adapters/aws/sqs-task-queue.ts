import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import { IngestError } from '../../parsing/errors.ts';
import type { TaskQueue } from '../../ports.ts';

/** SendMessageBatch takes at most 10 messages, of at most 256 KiB together. */
const MAX_PER_CALL = 10;
const MAX_BYTES_PER_CALL = 256 * 1024;

interface SqsTaskQueueOptions {
  /** Calls per group while SQS refuses some of its messages. @default 5 */
  readonly maxAttempts?: number;
  /** First backoff; doubles each attempt, with full jitter. @default 100 */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Messages SQS still refused after the last attempt: none is dropped silently. */
class TaskQueueSendError extends IngestError {
  readonly queueUrl: string;
  readonly failed: readonly { readonly code: string; readonly message: string }[];

  constructor(queueUrl: string, failed: TaskQueueSendError['failed'], attempts: number) {
    const first = failed[0];
    super(
      `${failed.length} task message(s) not sent to ${queueUrl} after ${attempts} attempts` +
        (first ? ` (${first.code}: ${first.message})` : ''),
    );
    this.name = 'TaskQueueSendError';
    this.queueUrl = queueUrl;
    this.failed = failed;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Groups bodies into calls SendMessageBatch takes: 10 at most, 256 KiB at most. */
function callsOf(bodies: readonly string[]): string[][] {
  const calls: string[][] = [];
  let bytes = 0;
  for (const body of bodies) {
    const size = Buffer.byteLength(body);
    const last = calls.at(-1);
    if (!last || last.length === MAX_PER_CALL || bytes + size > MAX_BYTES_PER_CALL) {
      calls.push([body]);
      bytes = size;
    } else {
      last.push(body);
      bytes += size;
    }
  }
  return calls;
}

/**
 * The TaskQueue port on SQS: SendMessageBatch, as many messages per call as SQS takes; the
 * entries a call reports failed (throttling, a service error) are sent again with
 * exponential backoff and jitter.
 *
 * @example new SqsTaskQueue(new SQSClient({}), process.env.INGEST_CHUNKS_QUEUE_URL)
 * @throws {TaskQueueSendError} when messages are still refused after the last attempt.
 */
class SqsTaskQueue implements TaskQueue {
  readonly #client: SQSClient;
  readonly #queueUrl: string;
  readonly #maxAttempts: number;
  readonly #baseDelayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(client: SQSClient, queueUrl: string, options: SqsTaskQueueOptions = {}) {
    this.#client = client;
    this.#queueUrl = queueUrl;
    this.#maxAttempts = options.maxAttempts ?? 5;
    this.#baseDelayMs = options.baseDelayMs ?? 100;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  async send(bodies: readonly string[]): Promise<void> {
    for (const call of callsOf(bodies)) await this.#sendCall(call);
  }

  async retryIn(receiptHandle: string, seconds: number): Promise<void> {
    await this.#client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.#queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  async #sendCall(bodies: readonly string[]): Promise<void> {
    let pending = bodies.map((body, i) => ({ Id: String(i), MessageBody: body }));
    let failed: TaskQueueSendError['failed'] = [];
    for (let attempt = 1; attempt <= this.#maxAttempts; attempt += 1) {
      if (attempt > 1) await this.#sleep(Math.random() * this.#baseDelayMs * 2 ** (attempt - 2));
      const output = await this.#client.send(
        new SendMessageBatchCommand({ QueueUrl: this.#queueUrl, Entries: pending }),
      );
      const refused = new Set((output.Failed ?? []).map((f) => f.Id));
      failed = (output.Failed ?? []).map((f) => ({
        code: f.Code ?? 'Unknown',
        message: f.Message ?? '',
      }));
      pending = pending.filter((entry) => refused.has(entry.Id));
      if (pending.length === 0) return;
    }
    throw new TaskQueueSendError(this.#queueUrl, failed, this.#maxAttempts);
  }
}

export type { SqsTaskQueueOptions };
export { SqsTaskQueue, TaskQueueSendError };
