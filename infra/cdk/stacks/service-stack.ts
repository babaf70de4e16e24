import { join } from 'node:path';
import type { HandlerSpec, ServiceManifest, SubscriptionSpec } from '@txnflow/contracts';
import { LambdaEnv, tableEnvName, topicEnvName } from '@txnflow/contracts/aws';
import { CfnOutput, CfnParameter, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus, type IEventBus } from 'aws-cdk-lib/aws-events';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import type { Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { EmailTopic } from '../constructs/email-topic.ts';
import { withBucketName } from '../constructs/event-pattern.ts';
import { EventSourceBucket } from '../constructs/event-source-bucket.ts';
import { RuleToFunction } from '../constructs/rule-to-function.ts';
import { RuleToQueue } from '../constructs/rule-to-queue.ts';
import { RuleToQueueConsumer } from '../constructs/rule-to-queue-consumer.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import { ServiceQueue } from '../constructs/service-queue.ts';
import { ServiceTables } from '../constructs/service-tables.ts';
import { busName, ruleDescription } from '../names.ts';
import { grantDescribeEventBus, grantPutEventsAs } from '../put-events-grant.ts';

interface ServiceStackProps extends StackProps {
  readonly manifest: ServiceManifest;
  readonly stage: string;
  /** The service's package folder; the manifest's `entry` paths are relative to it. */
  readonly serviceDir: string;
  /** The workspace's npm lock file: esbuild bundles from its folder. */
  readonly depsLockFilePath: string;
  /** Added to every function's environment. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Subscribed to the manifest's email topics.
   * @default - a stack parameter `AlertEmail`, asked for at deploy time
   */
  readonly alertEmail?: string;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/** A manifest refers to a handler, queue or bucket it does not declare. */
class ManifestReferenceError extends Error {
  constructor(service: string, kind: string, name: string) {
    super(`${service} manifest refers to ${kind} "${name}", which it does not declare`);
    this.name = 'ManifestReferenceError';
  }
}

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

function lookup<T>(map: ReadonlyMap<string, T>, service: string, kind: string, name: string): T {
  const found = map.get(name);
  if (found === undefined) throw new ManifestReferenceError(service, kind, name);
  return found;
}

/**
 * One service, deployable alone, built from its manifest: its tables, queues, topics and
 * buckets, a function per handler, and a rule per subscription, every asynchronous hop
 * with retries and a dead-letter queue. The txnflow bus is found by name; no other stack
 * is referenced.
 *
 * @example new ServiceStack(app, 'txnflow-dev-ledger', { manifest: ledgerManifest, stage: 'dev', serviceDir, depsLockFilePath })
 */
class ServiceStack extends Stack {
  readonly manifest: ServiceManifest;
  readonly eventBus: IEventBus;
  readonly tables: ServiceTables;
  readonly queues: ReadonlyMap<string, ServiceQueue>;
  readonly topics: ReadonlyMap<string, Topic>;
  readonly buckets: ReadonlyMap<string, Bucket>;
  /** Per manifest rule: where EventBridge puts what it could not deliver. */
  readonly ruleDeadLetters: ReadonlyMap<string, DeadLetterQueue>;
  readonly functions: ReadonlyMap<string, ServiceFunction>;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { manifest } = props;
    this.manifest = manifest;
    this.eventBus = EventBus.fromEventBusName(this, 'TxnflowBus', busName(props.stage));
    this.tables = new ServiceTables(this, 'Tables', { tables: manifest.tables });
    this.queues = new Map(
      manifest.queues.map((spec) => [
        spec.name,
        new ServiceQueue(this, spec.name, {
          maxReceiveCount: spec.maxReceiveCount ?? 5,
          visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds ?? 60),
        }),
      ]),
    );
    this.topics = this.#createTopics(props);
    this.buckets = new Map(
      manifest.buckets.map((spec) => [spec.name, new EventSourceBucket(this, spec.name).bucket]),
    );
    this.ruleDeadLetters = new Map(
      manifest.subscriptions.map((s) => [
        s.rule,
        new DeadLetterQueue(this, `${s.rule}DLQ`, {
          contents: `events rule ${s.rule} could not deliver to its target`,
        }),
      ]),
    );
    this.functions = new Map(
      manifest.handlers.map((handler) => [handler.name, this.#createFunction(handler, props)]),
    );
    for (const subscription of manifest.subscriptions) this.#subscribe(subscription);
    this.#describeOutputs();
  }

  /** What an operator needs to find (plain outputs: nothing is exported to other stacks). */
  #describeOutputs(): void {
    for (const [name, bucket] of this.buckets) {
      new CfnOutput(this, `${name}BucketName`, { value: bucket.bucketName });
    }
    for (const [name, queue] of this.queues) {
      new CfnOutput(this, `${name}QueueUrl`, { value: queue.queue.queueUrl });
    }
    for (const [name, topic] of this.topics) {
      new CfnOutput(this, `${name}TopicArn`, { value: topic.topicArn });
    }
    for (const [name, table] of this.tables.entries()) {
      new CfnOutput(this, `${name}TableName`, { value: table.tableName });
    }
  }

  #createTopics(props: ServiceStackProps): Map<string, Topic> {
    const wantsEmail = props.manifest.topics.some((t) => t.emailSubscription);
    const email =
      props.alertEmail ??
      (wantsEmail
        ? new CfnParameter(this, 'AlertEmail', {
            type: 'String',
            description: 'Email address subscribed to the alert topic (confirm the SNS email)',
            allowedPattern: '^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$',
            constraintDescription: 'an email address',
          }).valueAsString
        : undefined);
    return new Map(
      props.manifest.topics.map((spec) => [
        spec.name,
        new EmailTopic(this, spec.name, {
          ...(spec.emailSubscription && email ? { email } : {}),
          displayName: `txnflow ${spec.name}`,
        }).topic,
      ]),
    );
  }

  /** The dead-letter queue a handler's poison events go to: its queue's, or its rule's. */
  #poisonQueueOf(handler: string): IQueue | undefined {
    for (const s of this.manifest.subscriptions) {
      if (s.target.kind === 'queue-consumer' && s.target.handler === handler) {
        return lookup(this.queues, this.manifest.service, 'queue', s.target.queue).deadLetters
          .queue;
      }
      if (s.target.kind === 'function' && s.target.handler === handler) {
        return this.ruleDeadLetters.get(s.rule)?.queue;
      }
    }
    return undefined;
  }

  /** The rule DLQ of the function's asynchronous invocations, if a rule invokes it. */
  #asyncDeadLettersOf(handler: string): IQueue | undefined {
    const rule = this.manifest.subscriptions.find(
      (s) => s.target.kind === 'function' && s.target.handler === handler,
    );
    return rule ? this.ruleDeadLetters.get(rule.rule)?.queue : undefined;
  }

  #createFunction(handler: HandlerSpec, props: ServiceStackProps): ServiceFunction {
    const { manifest } = this;
    const poisonQueue = this.#poisonQueueOf(handler.name);
    const asyncDeadLetters = this.#asyncDeadLettersOf(handler.name);
    const environment: Record<string, string> = { ...props.environment };
    for (const [name, table] of this.tables.entries()) {
      environment[tableEnvName(name)] = table.tableName;
    }
    for (const [name, topic] of this.topics) environment[topicEnvName(name)] = topic.topicArn;
    if (manifest.publishes.length > 0) {
      environment[LambdaEnv.eventBusName] = this.eventBus.eventBusName;
    }
    if (poisonQueue) environment[LambdaEnv.deadLetterQueueUrl] = poisonQueue.queueUrl;

    const fn = new ServiceFunction(this, `${pascal(handler.name)}Function`, {
      service: manifest.service,
      entry: join(props.serviceDir, handler.entry),
      depsLockFilePath: props.depsLockFilePath,
      timeout: Duration.seconds(handler.timeoutSeconds ?? 30),
      memorySize: handler.memoryMb ?? 256,
      environment,
      ...(asyncDeadLetters ? { deadLetterQueue: asyncDeadLetters } : {}),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    // Each table's item actions as its manifest declares them: no Scan, Query or DeleteItem
    // (listing is for operators, and nothing deletes).
    for (const spec of manifest.tables) {
      const actions = spec.itemActions.map((action) => `dynamodb:${action}`);
      this.tables.table(spec.name).grant(fn.function, ...actions);
    }
    for (const [, topic] of this.topics) topic.grantPublish(fn.function);
    if (manifest.publishes.length > 0) {
      grantPutEventsAs(fn.function, this.eventBus, manifest.source);
      grantDescribeEventBus(fn.function, this.eventBus);
    }
    if (poisonQueue && poisonQueue !== asyncDeadLetters) poisonQueue.grantSendMessages(fn.function);
    return fn;
  }

  #subscribe(s: SubscriptionSpec): void {
    const { service } = this.manifest;
    const eventBus = s.bus === 'txnflow' ? this.eventBus : undefined;
    const eventPattern = s.fromBucket
      ? withBucketName(
          s.eventPattern,
          lookup(this.buckets, service, 'bucket', s.fromBucket).bucketName,
        )
      : s.eventPattern;
    const deadLetterQueue = lookup(this.ruleDeadLetters, service, 'rule', s.rule).queue;
    const common = { ...(eventBus ? { eventBus } : {}), eventPattern, deadLetterQueue };
    const target = s.target;
    if (target.kind === 'function') {
      const handler = lookup(this.functions, service, 'handler', target.handler).function;
      new RuleToFunction(this, s.rule, {
        ...common,
        description: ruleDescription(service, s.rule, `invokes ${target.handler}`),
        handler,
      });
      return;
    }
    const queue = lookup(this.queues, service, 'queue', target.queue).queue;
    if (target.kind === 'queue-consumer') {
      const consumer = lookup(this.functions, service, 'handler', target.handler).function;
      new RuleToQueueConsumer(this, s.rule, {
        ...common,
        description: ruleDescription(
          service,
          s.rule,
          `to queue ${target.queue}, read by ${target.handler}`,
        ),
        queue,
        consumer,
        batchSize: target.batchSize ?? 10,
      });
      return;
    }
    new RuleToQueue(this, s.rule, {
      ...common,
      description: ruleDescription(service, s.rule, `to queue ${target.queue}`),
      queue,
    });
  }
}

export type { ServiceStackProps };
export { ManifestReferenceError, ServiceStack };
