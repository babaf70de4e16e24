import { join } from 'node:path';
import {
  type DeadLetterQueueRef,
  LISTING_INDEX,
  type ResolvedApi,
  type ResolvedHandler,
  type ResolvedManifest,
  type ResolvedSubscription,
  resolveManifest,
  type ServiceManifest,
} from '@txnflow/contracts';
import {
  bucketEnvName,
  LambdaEnv,
  queueEnvName,
  tableEnvName,
  topicEnvName,
} from '@txnflow/contracts/aws';
import { CfnOutput, CfnParameter, Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { EventBus, type IEventBus, type IRule } from 'aws-cdk-lib/aws-events';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Bucket } from 'aws-cdk-lib/aws-s3';
import { type ITopic, Topic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import { DeadLetterQueue } from '../constructs/dead-letter-queue.ts';
import { EmailTopic } from '../constructs/email-topic.ts';
import { withBucketName } from '../constructs/event-pattern.ts';
import { EventSourceBucket } from '../constructs/event-source-bucket.ts';
import { RuleToFunction } from '../constructs/rule-to-function.ts';
import { RuleToQueue } from '../constructs/rule-to-queue.ts';
import { consumeQueue, RuleToQueueConsumer } from '../constructs/rule-to-queue-consumer.ts';
import { ServiceFunction } from '../constructs/service-function.ts';
import { ServiceHttpApi } from '../constructs/service-http-api.ts';
import { ServiceMonitoring } from '../constructs/service-monitoring.ts';
import { ServiceQueue } from '../constructs/service-queue.ts';
import { ServiceTables } from '../constructs/service-tables.ts';
import {
  busName,
  dashboardName,
  opsTopicName,
  ruleDescription,
  serviceRolePath,
  stackName,
} from '../names.ts';
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

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/** What the resolved manifest names and the stack has built (resolveManifest checked it). */
function built<T>(map: ReadonlyMap<string, T>, name: string): T {
  const found = map.get(name);
  if (found === undefined) throw new Error(`no ${name} was built for the manifest`);
  return found;
}

/**
 * One service, deployable alone, built from its manifest (its defaults resolved by
 * `resolveManifest`, as the local wiring resolves them): its tables, queues, topics and
 * buckets, a function per handler, and a rule per subscription, every asynchronous hop
 * with retries and a dead-letter queue; alarms that notify the stage's operations topic, and
 * a dashboard. The txnflow bus and the operations topic are found by name; no other stack is
 * referenced.
 *
 * @example new ServiceStack(app, 'txnflow-dev-ledger', { manifest: ledgerManifest, stage: 'dev', serviceDir, depsLockFilePath })
 */
class ServiceStack extends Stack {
  readonly manifest: ResolvedManifest;
  readonly eventBus: IEventBus;
  readonly opsTopic: ITopic;
  readonly tables: ServiceTables;
  readonly queues: ReadonlyMap<string, ServiceQueue>;
  readonly topics: ReadonlyMap<string, Topic>;
  readonly buckets: ReadonlyMap<string, Bucket>;
  /** Per manifest rule: where EventBridge puts what it could not deliver. */
  readonly ruleDeadLetters: ReadonlyMap<string, DeadLetterQueue>;
  readonly functions: ReadonlyMap<string, ServiceFunction>;
  readonly rules: ReadonlyMap<string, IRule>;
  readonly monitoring: ServiceMonitoring;
  /** The service's query API and its function, when the manifest declares one. */
  readonly httpApi?: { readonly api: ServiceHttpApi; readonly function: ServiceFunction };

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const manifest = resolveManifest(props.manifest);
    this.manifest = manifest;
    this.eventBus = EventBus.fromEventBusName(this, 'TxnflowBus', busName(props.stage));
    this.opsTopic = Topic.fromTopicArn(
      this,
      'OpsTopic',
      this.formatArn({ service: 'sns', resource: opsTopicName(props.stage) }),
    );
    this.tables = new ServiceTables(this, 'Tables', { tables: manifest.tables });
    this.queues = new Map(
      manifest.queues.map((spec) => [
        spec.name,
        new ServiceQueue(this, spec.name, {
          maxReceiveCount: spec.maxReceiveCount,
          visibilityTimeout: Duration.seconds(spec.visibilityTimeoutSeconds),
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
        new DeadLetterQueue(this, s.deadLetterQueue.name, {
          contents: `events rule ${s.rule} could not deliver to its target`,
        }),
      ]),
    );
    this.functions = new Map(
      manifest.handlers.map((handler) => [handler.name, this.#createFunction(handler, props)]),
    );
    this.rules = new Map(manifest.subscriptions.map((s) => [s.rule, this.#subscribe(s)]));
    this.#consumeOwnQueues();
    if (manifest.api) this.httpApi = this.#createHttpApi(manifest.api, props);
    this.#describeOutputs();
    this.monitoring = this.#monitor(props.stage);
  }

  /** Event source mappings of the queues a handler reads that no rule delivers to. */
  #consumeOwnQueues(): void {
    const byRule = new Set(
      this.manifest.subscriptions.flatMap((s) =>
        s.target.kind === 'queue-consumer' ? [s.target.queue] : [],
      ),
    );
    for (const queue of this.manifest.queues) {
      if (!queue.consumer || byRule.has(queue.name)) continue;
      const fn = built(this.functions, queue.consumer.handler).function;
      consumeQueue(fn, built(this.queues, queue.name).queue, queue.consumer);
    }
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

  #monitor(stage: string): ServiceMonitoring {
    const { manifest } = this;
    return new ServiceMonitoring(this, 'Monitoring', {
      service: manifest.service,
      dashboardName: dashboardName(stage, manifest.service),
      opsTopic: this.opsTopic,
      rules: manifest.subscriptions.map((s) => ({
        name: s.rule,
        rule: built(this.rules, s.rule),
        ...(s.bus === 'txnflow' ? { eventBusName: busName(stage) } : {}),
      })),
      functions: manifest.handlers.map((h) => ({
        name: h.name,
        function: built(this.functions, h.name).function,
      })),
      queues: manifest.queues.map((q) => ({
        name: q.name,
        queue: built(this.queues, q.name).queue,
        ...(q.oldestMessageAlarmSeconds !== undefined
          ? { oldestMessageAlarmSeconds: q.oldestMessageAlarmSeconds }
          : {}),
      })),
      deadLetterQueues: [
        ...manifest.queues.map((q) => ({
          name: q.deadLetterQueue.name,
          queue: built(this.queues, q.name).deadLetters.queue,
        })),
        ...manifest.subscriptions.map((s) => ({
          name: s.deadLetterQueue.name,
          queue: this.#deadLetterQueue(s.deadLetterQueue),
        })),
      ],
    });
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

  /** The queue a resolved dead-letter queue reference stands for. */
  #deadLetterQueue(ref: DeadLetterQueueRef): IQueue {
    const { kind, name } = ref.owner;
    return kind === 'queue'
      ? built(this.queues, name).deadLetters.queue
      : built(this.ruleDeadLetters, name).queue;
  }

  #createFunction(handler: ResolvedHandler, props: ServiceStackProps): ServiceFunction {
    const { manifest } = this;
    const poisonQueue = handler.poisonQueue && this.#deadLetterQueue(handler.poisonQueue);
    const asyncDeadLetters =
      handler.asyncInvocation && this.#deadLetterQueue(handler.asyncInvocation.deadLetterQueue);
    const environment: Record<string, string> = { ...props.environment };
    for (const [name, table] of this.tables.entries()) {
      environment[tableEnvName(name)] = table.tableName;
    }
    for (const [name, topic] of this.topics) environment[topicEnvName(name)] = topic.topicArn;
    if (manifest.publishes.length > 0) {
      environment[LambdaEnv.eventBusName] = this.eventBus.eventBusName;
    }
    if (poisonQueue) environment[LambdaEnv.deadLetterQueueUrl] = poisonQueue.queueUrl;
    const sendsTo = handler.sendsTo.map((name) => built(this.queues, name).queue);
    handler.sendsTo.forEach((name, i) => {
      environment[queueEnvName(name)] = sendsTo[i]?.queueUrl ?? '';
    });

    const fn = new ServiceFunction(this, `${pascal(handler.name)}Function`, {
      service: manifest.service,
      entry: join(props.serviceDir, handler.entry),
      depsLockFilePath: props.depsLockFilePath,
      timeout: Duration.seconds(handler.timeoutSeconds),
      memorySize: handler.memoryMb,
      rolePath: serviceRolePath(props.stage, manifest.service),
      environment,
      ...(asyncDeadLetters ? { deadLetterQueue: asyncDeadLetters } : {}),
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    this.#grant(fn, poisonQueue, asyncDeadLetters);
    // The queues it sends to itself: SendMessageBatch is authorized as sqs:SendMessage.
    for (const queue of sendsTo) {
      Grant.addToPrincipal({
        grantee: fn.function,
        actions: ['sqs:SendMessage'],
        resourceArns: [queue.queueArn],
      });
    }
    return fn;
  }

  /** Exactly the actions the function's code calls (Lambda's own grants aside). */
  #grant(fn: ServiceFunction, poisonQueue?: IQueue, asyncDeadLetters?: IQueue): void {
    const { manifest } = this;
    // Each table's item actions as its manifest declares them: no Scan, Query or DeleteItem
    // (listing is for operators, and nothing deletes).
    for (const spec of manifest.tables) {
      // On the table itself: `grant` would add its indexes (`/index/*`), which no item action reads.
      Grant.addToPrincipal({
        grantee: fn.function,
        actions: spec.itemActions.map((action) => `dynamodb:${action}`),
        resourceArns: [this.tables.table(spec.name).tableArn],
      });
    }
    for (const [, topic] of this.topics) topic.grantPublish(fn.function);
    if (manifest.publishes.length > 0) {
      grantPutEventsAs(fn.function, this.eventBus, manifest.source);
      grantDescribeEventBus(fn.function, this.eventBus);
    }
    // The dead-letter sink sends by URL and reads nothing about the queue. Lambda's own
    // grant on an asynchronous DLQ is this same action.
    if (poisonQueue && poisonQueue !== asyncDeadLetters) {
      Grant.addToPrincipal({
        grantee: fn.function,
        actions: ['sqs:SendMessage'],
        resourceArns: [poisonQueue.queueArn],
      });
    }
  }

  /**
   * The query API: a function of its own, whose role may only read the tables the manifest
   * names, with the actions it names (GetItem, Query: never Scan), and put uploads under
   * the bucket prefix it names; behind an HTTP API with IAM authorization.
   */
  #createHttpApi(api: ResolvedApi, props: ServiceStackProps) {
    const { manifest } = this;
    const environment: Record<string, string> = { ...props.environment };
    for (const [name, table] of this.tables.entries()) {
      environment[tableEnvName(name)] = table.tableName;
    }
    for (const [name, bucket] of this.buckets) environment[bucketEnvName(name)] = bucket.bucketName;
    // Named after the service: construct paths name the role's policy, unique in a stage.
    const fn = new ServiceFunction(this, `${pascal(manifest.service)}ApiFunction`, {
      service: manifest.service,
      entry: join(props.serviceDir, api.entry),
      depsLockFilePath: props.depsLockFilePath,
      timeout: Duration.seconds(api.timeoutSeconds),
      memorySize: api.memoryMb,
      rolePath: serviceRolePath(props.stage, manifest.service),
      environment,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    for (const [name, actions] of Object.entries(api.tableReads)) {
      const { tableArn } = this.tables.table(name);
      const listed = manifest.tables.find((t) => t.name === name)?.listing;
      Grant.addToPrincipal({
        grantee: fn.function,
        actions: actions.map((a) => `dynamodb:${a}`),
        // The table, and its Listing index by name: no other index, no wildcard.
        resourceArns: [tableArn, ...(listed ? [`${tableArn}/index/${LISTING_INDEX}`] : [])],
      });
    }
    if (api.uploads) {
      const bucket = built(this.buckets, api.uploads.bucket);
      Grant.addToPrincipal({
        grantee: fn.function,
        actions: ['s3:PutObject'],
        resourceArns: [bucket.arnForObjects(`${api.uploads.prefix}*`)],
      });
    }
    const httpApi = new ServiceHttpApi(this, 'HttpApi', {
      service: manifest.service,
      apiName: stackName(props.stage, manifest.service),
      handler: fn.function,
      ...(props.logRetention ? { logRetention: props.logRetention } : {}),
    });
    return { api: httpApi, function: fn };
  }

  #subscribe(s: ResolvedSubscription): IRule {
    const { service } = this.manifest;
    const eventBus = s.bus === 'txnflow' ? this.eventBus : undefined;
    const eventPattern = s.fromBucket
      ? withBucketName(s.eventPattern, built(this.buckets, s.fromBucket).bucketName)
      : s.eventPattern;
    const common = {
      ...(eventBus ? { eventBus } : {}),
      eventPattern,
      deadLetterQueue: this.#deadLetterQueue(s.deadLetterQueue),
      retryPolicy: s.retryPolicy,
    };
    const target = s.target;
    if (target.kind === 'function') {
      const handler = this.manifest.handlers.find((h) => h.name === target.handler);
      const invocation = handler?.asyncInvocation;
      if (!invocation) throw new Error(`${target.handler} is invoked by ${s.rule} yet not async`);
      return new RuleToFunction(this, s.rule, {
        ...common,
        description: ruleDescription(service, s.rule, `invokes ${target.handler}`),
        handler: built(this.functions, target.handler).function,
        invocationRetryPolicy: invocation.retryPolicy,
      }).rule;
    }
    const queue = built(this.queues, target.queue).queue;
    if (target.kind === 'queue-consumer') {
      return new RuleToQueueConsumer(this, s.rule, {
        ...common,
        description: ruleDescription(
          service,
          s.rule,
          `to queue ${target.queue}, read by ${target.handler}`,
        ),
        queue,
        consumer: built(this.functions, target.handler).function,
        batching: target,
      }).rule;
    }
    return new RuleToQueue(this, s.rule, {
      ...common,
      description: ruleDescription(service, s.rule, `to queue ${target.queue}`),
      queue,
    }).rule;
  }
}

export type { ServiceStackProps };
export { ServiceStack };
