import { ReceiveMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { StageDeadLetterQueue } from './stage-resources.ts';

/** A message found in a dead-letter queue, with why it is there. */
interface DeadLetter {
  readonly queue: StageDeadLetterQueue;
  readonly messageId: string;
  readonly body: string;
  /** The event the body carries, parsed, when it is one. */
  readonly event?: Readonly<Record<string, unknown>>;
  /** `ERROR_MESSAGE` (EventBridge, txnflow's handlers) or `ErrorMessage` (Lambda). */
  readonly error?: string;
  readonly sentAt?: Date;
}

/** Receives per queue at most: a DLQ holding more is shown in part (the trace notes it). */
const MAX_RECEIVES = 10;

function parseEvent(body: string): Record<string, unknown> | undefined {
  try {
    const value = JSON.parse(body) as unknown;
    return typeof value === 'object' && value !== null
      ? (value as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Looks at what the dead-letter queues hold without taking it: ReceiveMessage with a
 * visibility timeout of 0, so every message stays visible to whoever redrives it. Each look
 * counts as a receive (ApproximateReceiveCount); a DLQ has no redrive policy of its own, so
 * nothing moves. Up to 10 receives of 10 messages per queue.
 *
 * @example const dead = await peekDeadLetters(new SQSClient({}), resources.deadLetterQueues);
 */
async function peekDeadLetters(
  client: SQSClient,
  queues: readonly StageDeadLetterQueue[],
): Promise<{ letters: DeadLetter[]; partial: string[] }> {
  const letters: DeadLetter[] = [];
  const partial: string[] = [];
  for (const queue of queues) {
    const seen = new Set<string>();
    let receives = 0;
    for (; receives < MAX_RECEIVES; receives += 1) {
      const { Messages = [] } = await client.send(
        new ReceiveMessageCommand({
          QueueUrl: queue.url,
          MaxNumberOfMessages: 10,
          VisibilityTimeout: 0,
          WaitTimeSeconds: 0,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['SentTimestamp'],
        }),
      );
      const fresh = Messages.filter((m) => m.MessageId && !seen.has(m.MessageId));
      if (fresh.length === 0) break;
      for (const message of fresh) {
        seen.add(message.MessageId ?? '');
        const attributes = message.MessageAttributes ?? {};
        const error = attributes.ERROR_MESSAGE?.StringValue ?? attributes.ErrorMessage?.StringValue;
        const sent = message.Attributes?.SentTimestamp;
        const event = parseEvent(message.Body ?? '');
        letters.push({
          queue,
          messageId: message.MessageId ?? '',
          body: message.Body ?? '',
          ...(event ? { event } : {}),
          ...(error ? { error } : {}),
          ...(sent ? { sentAt: new Date(Number(sent)) } : {}),
        });
      }
    }
    if (receives === MAX_RECEIVES) partial.push(queue.name);
  }
  return { letters, partial };
}

export type { DeadLetter };
export { peekDeadLetters };
