import { randomUUID } from 'node:crypto';
import type { Database, Statement } from 'better-sqlite3';
import type { Arns } from '../arns.ts';
import { ResourceNotFoundError, ValidationError } from '../errors.ts';
import { assertName } from '../names.ts';
import type { Queues } from '../queues/queue.ts';
import type { EmailDelivery } from './email-delivery.ts';
import type { EmailOutbox } from './email-outbox.ts';

/** A subscription: an email address (the outbox) or a queue. */
type SubscribeParams =
  | { readonly topic: string; readonly protocol: 'email'; readonly endpoint: string }
  | {
      readonly topic: string;
      readonly protocol: 'sqs';
      readonly queue: string;
      /** Deliver the message alone, not in the SNS JSON envelope. @default false */
      readonly rawMessageDelivery?: boolean;
    };

interface PublishParams {
  readonly topic: string;
  /** @default - none; emails then read "AWS Notification Message" */
  readonly subject?: string;
  readonly message: string;
}

interface Subscription {
  readonly arn: string;
  readonly protocol: 'email' | 'sqs';
  readonly endpoint: string;
  readonly raw: boolean;
}

interface TopicInfo {
  readonly id: number;
  readonly name: string;
  readonly arn: string;
  readonly subscriptions: Subscription[];
}

/** What SNS puts in an email's subject when the publisher gave none. */
const DEFAULT_EMAIL_SUBJECT = 'AWS Notification Message';
const MAX_SUBJECT = 100;
const MAX_MESSAGE_BYTES = 256 * 1024;

/**
 * Topics ("SNS"): publish fans a message out to every subscription at once, email as an `.eml`
 * file in the outbox, queues as an SNS notification envelope (or the raw message).
 *
 * @example topics.publish({ topic: 'Alerts', subject: 'High balance', message: 'C2 is at 1750.00' });
 */
class Topics {
  readonly #db: Database;
  readonly #arns: Arns;
  readonly #region: string;
  readonly #clock: () => Date;
  readonly #queues: Queues;
  readonly #outbox: EmailOutbox;
  readonly #delivery: EmailDelivery;
  readonly #byName = new Map<string, TopicInfo>();
  readonly #insertSubscription: Statement<[number, string, string, number, string]>;
  readonly #fanOutToQueues: (topic: TopicInfo, messageId: string, params: PublishParams) => void;

  constructor(
    db: Database,
    arns: Arns,
    region: string,
    clock: () => Date,
    queues: Queues,
    outbox: EmailOutbox,
    delivery: EmailDelivery,
  ) {
    this.#db = db;
    this.#arns = arns;
    this.#region = region;
    this.#clock = clock;
    this.#queues = queues;
    this.#outbox = outbox;
    this.#delivery = delivery;
    this.#insertSubscription = db.prepare(
      'INSERT INTO rt_subscriptions (topic_id, protocol, endpoint, raw, arn_suffix) VALUES (?, ?, ?, ?, ?) ' +
        'ON CONFLICT (topic_id, protocol, endpoint) DO UPDATE SET raw = excluded.raw',
    );
    this.#fanOutToQueues = db.transaction(
      (topic: TopicInfo, messageId: string, params: PublishParams) => {
        for (const sub of topic.subscriptions) {
          if (sub.protocol !== 'sqs') continue;
          const body = sub.raw ? params.message : this.#notification(topic, messageId, params);
          this.#queues.insert(this.#queues.require(sub.endpoint), body, null);
        }
      },
    );
    for (const row of db.prepare('SELECT * FROM rt_topics').all() as {
      id: number;
      name: string;
    }[]) {
      this.#remember(row.id, row.name);
    }
  }

  /** Creates the topic unless it exists (idempotent). */
  create(params: { readonly name: string }): { topicArn: string } {
    assertName('topic', params.name);
    const row = this.#db
      .prepare(
        'INSERT INTO rt_topics (name) VALUES (?) ON CONFLICT (name) DO UPDATE SET name = name RETURNING id',
      )
      .get(params.name) as { id: number };
    if (!this.#byName.has(params.name)) this.#remember(row.id, params.name);
    return { topicArn: this.#arns.topic(params.name) };
  }

  /**
   * Subscribes an email address or a queue (idempotent per endpoint).
   *
   * @throws {ResourceNotFoundError} when the topic or the queue does not exist.
   */
  subscribe(params: SubscribeParams): { subscriptionArn: string } {
    const topic = this.require(params.topic);
    const endpoint = params.protocol === 'email' ? params.endpoint : params.queue;
    if (params.protocol === 'email') {
      if (typeof endpoint !== 'string' || !/^[^\s@<>]+@[^\s@<>]+$/.test(endpoint)) {
        throw new ValidationError(`Invalid email address ${JSON.stringify(endpoint)}`);
      }
    } else if (params.protocol === 'sqs') {
      this.#queues.require(endpoint);
    } else {
      throw new ValidationError('protocol must be "email" or "sqs"');
    }
    const raw = params.protocol === 'sqs' && params.rawMessageDelivery === true;
    this.#insertSubscription.run(topic.id, params.protocol, endpoint, raw ? 1 : 0, randomUUID());
    this.#load(topic);
    const sub = topic.subscriptions.find(
      (s) => s.protocol === params.protocol && s.endpoint === endpoint,
    );
    return { subscriptionArn: sub?.arn ?? '' };
  }

  /**
   * Publish: queue subscriptions in one transaction, then one email per email subscription,
   * written now, or with `emails: 'in-background'` recorded in the caller's transaction and
   * written by {@link EmailDelivery} (a handler's publish: see LocalRuntime.handlerCalls).
   *
   * @throws {ResourceNotFoundError} when the topic does not exist.
   * @throws {ValidationError} on an empty or oversized message or an invalid subject.
   */
  publish(params: PublishParams, emails: 'now' | 'in-background' = 'now'): { MessageId: string } {
    const topic = this.require(params.topic);
    validatePublish(params);
    const messageId = randomUUID();
    this.#fanOutToQueues(topic, messageId, params);
    for (const sub of topic.subscriptions) {
      if (sub.protocol === 'sqs') {
        this.#queues.notify(this.#queues.require(sub.endpoint).id);
        continue;
      }
      const email = {
        to: sub.endpoint,
        subject: params.subject ?? DEFAULT_EMAIL_SUBJECT,
        body: params.message,
        messageId,
        date: this.#clock(),
      };
      if (emails === 'now') this.#outbox.write(email);
      else {
        const { file, text } = this.#outbox.render(email);
        this.#delivery.enqueue(file, text);
      }
    }
    return { MessageId: messageId };
  }

  /** @throws {ResourceNotFoundError} (SNS's `NotFound`) when there is no such topic. */
  require(name: string): TopicInfo {
    const topic = this.#byName.get(name);
    if (!topic) throw new ResourceNotFoundError('Topic', name, 'NotFound');
    return topic;
  }

  /** The JSON envelope SNS wraps a message in for a queue; no Subject key without a subject. */
  #notification(topic: TopicInfo, messageId: string, params: PublishParams): string {
    const host = `https://sns.${this.#region}.amazonaws.com`;
    return JSON.stringify({
      Type: 'Notification',
      MessageId: messageId,
      TopicArn: topic.arn,
      ...(params.subject !== undefined ? { Subject: params.subject } : {}),
      Message: params.message,
      Timestamp: this.#clock().toISOString(),
      SignatureVersion: '1',
      Signature: 'LOCAL',
      SigningCertURL: `${host}/SimpleNotificationService-local.pem`,
      UnsubscribeURL: `${host}/?Action=Unsubscribe&SubscriptionArn=${topic.arn}:local`,
    });
  }

  #remember(id: number, name: string): void {
    const topic: TopicInfo = { id, name, arn: this.#arns.topic(name), subscriptions: [] };
    this.#byName.set(name, topic);
    this.#load(topic);
  }

  #load(topic: TopicInfo): void {
    const rows = this.#db
      .prepare('SELECT * FROM rt_subscriptions WHERE topic_id = ? ORDER BY id')
      .all(topic.id) as {
      protocol: 'email' | 'sqs';
      endpoint: string;
      raw: number;
      arn_suffix: string;
    }[];
    topic.subscriptions.length = 0;
    for (const row of rows) {
      topic.subscriptions.push({
        arn: `${topic.arn}:${row.arn_suffix}`,
        protocol: row.protocol,
        endpoint: row.endpoint,
        raw: row.raw === 1,
      });
    }
  }
}

function validatePublish(params: PublishParams): void {
  if (typeof params.message !== 'string' || params.message.length === 0) {
    throw new ValidationError('Empty message');
  }
  if (Buffer.byteLength(params.message) > MAX_MESSAGE_BYTES) {
    throw new ValidationError(`Message is over the ${MAX_MESSAGE_BYTES} byte limit`);
  }
  const { subject } = params;
  if (subject !== undefined && (subject.length === 0 || subject.length > MAX_SUBJECT)) {
    throw new ValidationError(`Subject must be 1 to ${MAX_SUBJECT} characters`);
  }
  if (subject !== undefined && /[\r\n]/.test(subject)) {
    throw new ValidationError('Subject must not contain line breaks');
  }
}

export type { PublishParams, SubscribeParams };
export { DEFAULT_EMAIL_SUBJECT, Topics };
