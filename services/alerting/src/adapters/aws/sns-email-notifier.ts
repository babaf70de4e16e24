import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import type { Email, EmailNotifier, SentEmail } from '../../ports.ts';

/** SNS refuses a subject over 100 characters; email subjects are cut rather than lost. */
const MAX_SUBJECT_CHARS = 100;

/**
 * The EmailNotifier port on SNS: one Publish to the HighBalanceAlert topic, whose email
 * subscription delivers it with the subject as the email's subject.
 *
 * @example new SnsEmailNotifier(new SNSClient({}), process.env.HIGH_BALANCE_ALERT_TOPIC_ARN)
 */
class SnsEmailNotifier implements EmailNotifier {
  readonly #client: SNSClient;
  readonly #topicArn: string;

  constructor(client: SNSClient, topicArn: string) {
    this.#client = client;
    this.#topicArn = topicArn;
  }

  async send(email: Email): Promise<SentEmail> {
    const { MessageId } = await this.#client.send(
      new PublishCommand({
        TopicArn: this.#topicArn,
        Subject: email.subject.slice(0, MAX_SUBJECT_CHARS),
        Message: email.body,
      }),
    );
    // SNS always answers with one; an empty id only shows up in the logs, never breaks a send.
    return { messageId: MessageId ?? '' };
  }
}

export { SnsEmailNotifier };
