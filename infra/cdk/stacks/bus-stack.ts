import { type EventContract, eventContracts } from '@txnflow/contracts';
import { CfnOutput, type Duration, Stack, type StackProps } from 'aws-cdk-lib';
import { Archive, EventBus } from 'aws-cdk-lib/aws-events';
import type { Construct } from 'constructs';
import { EventSchemaRegistry } from '../constructs/event-schema-registry.ts';
import { OperationsTopic } from '../constructs/operations-topic.ts';
import { type Publisher, PublisherSourcePolicy } from '../constructs/publisher-source-policy.ts';
import { archiveName, busName, opsTopicName, registryName } from '../names.ts';

interface BusStackProps extends StackProps {
  readonly stage: string;
  /** How long the archive keeps events (a backfill can only replay this far back). */
  readonly archiveRetention: Duration;
  /** Every service and its source: the bus policy gives each source to one service. */
  readonly publishers: readonly Publisher[];
  /** @default - every contract in @txnflow/contracts */
  readonly contracts?: readonly EventContract[];
  /** Subscribed to the operations topic by email. @default - none */
  readonly opsEmails?: readonly string[];
}

/**
 * The shared resources of a stage: the custom bus `txnflow-<stage>`, its archive of every
 * original event, the schema registry, the policy binding each source to its service, and
 * the operations topic `txnflow-<stage>-ops` every alarm notifies. Service stacks find the
 * bus and the topic by their names; nothing is exported.
 *
 * @example new BusStack(app, 'txnflow-dev-bus', { stage: 'dev', archiveRetention: Duration.days(365), publishers })
 */
class BusStack extends Stack {
  readonly eventBus: EventBus;
  readonly archive: Archive;
  readonly opsTopic: OperationsTopic;

  constructor(scope: Construct, id: string, props: BusStackProps) {
    super(scope, id, props);
    this.eventBus = new EventBus(this, 'TxnflowBus', {
      eventBusName: busName(props.stage),
      description: 'txnflow: TransactionRecorded and HighBalanceDetected between the services',
    });
    // No pattern: every event. EventBridge itself never archives a replayed event, so a
    // replay does not archive its events a second time.
    this.archive = new Archive(this, 'EventArchive', {
      sourceEventBus: this.eventBus,
      archiveName: archiveName(props.stage),
      eventPattern: {},
      retention: props.archiveRetention,
      description: `Every original event of ${busName(props.stage)}, for replays and backfills`,
    });
    new EventSchemaRegistry(this, 'EventSchemas', {
      registryName: registryName(props.stage),
      contracts: props.contracts ?? eventContracts,
    });
    new PublisherSourcePolicy(this, 'PublisherSourcePolicy', {
      eventBus: this.eventBus,
      stage: props.stage,
      publishers: props.publishers,
    });
    this.opsTopic = new OperationsTopic(this, 'OpsTopic', {
      topicName: opsTopicName(props.stage),
      ...(props.opsEmails ? { emails: props.opsEmails } : {}),
    });
    new CfnOutput(this, 'EventBusName', { value: this.eventBus.eventBusName });
    new CfnOutput(this, 'EventArchiveName', { value: this.archive.archiveName });
    new CfnOutput(this, 'OpsTopicArn', { value: this.opsTopic.topic.topicArn });
  }
}

export type { BusStackProps };
export { BusStack };
