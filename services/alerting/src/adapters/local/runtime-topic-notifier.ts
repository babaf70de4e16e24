import type { Email, EmailNotifier, SentEmail } from '../../ports.ts';

/** The part of the local runtime's topics that alerting uses. */
interface LocalTopics {
  publish(params: { topic: string; subject?: string; message: string }): { MessageId: string };
}

/**
 * The EmailNotifier port over a local topic, whose email subscription writes .eml files.
 *
 * @example new RuntimeTopicNotifier(runtime, 'HighBalanceAlert')
 */
class RuntimeTopicNotifier implements EmailNotifier {
  readonly #topics: LocalTopics;
  readonly #topic: string;

  constructor(topics: LocalTopics, topic: string) {
    this.#topics = topics;
    this.#topic = topic;
  }

  async send(email: Email): Promise<SentEmail> {
    const { MessageId } = this.#topics.publish({
      topic: this.#topic,
      subject: email.subject,
      message: email.body,
    });
    return { messageId: MessageId };
  }
}

export type { LocalTopics };
export { RuntimeTopicNotifier };
