import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { DeadLetterSink } from '../consuming.ts';

/** Why a consumer dead-letters on its own: the event failed its contract. */
const CONTRACT_VALIDATION_FAILED = 'ContractValidationFailed';

/**
 * Message attributes count towards SQS's message size; a reason listing every failing path
 * of a large event is cut here rather than failing the send.
 */
const MAX_REASON_CHARS = 4096;

/**
 * The DeadLetterSink port over an SQS queue: the event as the message body, the reason in
 * the `ERROR_CODE` and `ERROR_MESSAGE` attributes, the names EventBridge uses on the
 * messages it dead-letters itself, so one DLQ reads the same whoever put a message there.
 *
 * @example new SqsDeadLetterSink(new SQSClient({}), process.env.DEAD_LETTER_QUEUE_URL)
 */
class SqsDeadLetterSink implements DeadLetterSink {
  readonly #client: SQSClient;
  readonly #queueUrl: string;

  constructor(client: SQSClient, queueUrl: string) {
    this.#client = client;
    this.#queueUrl = queueUrl;
  }

  async send(body: string, reason: string): Promise<void> {
    const message =
      reason.length > MAX_REASON_CHARS ? `${reason.slice(0, MAX_REASON_CHARS - 1)}…` : reason;
    await this.#client.send(
      new SendMessageCommand({
        QueueUrl: this.#queueUrl,
        MessageBody: body,
        MessageAttributes: {
          ERROR_CODE: { DataType: 'String', StringValue: CONTRACT_VALIDATION_FAILED },
          ERROR_MESSAGE: { DataType: 'String', StringValue: message },
        },
      }),
    );
  }
}

export { CONTRACT_VALIDATION_FAILED, SqsDeadLetterSink };
