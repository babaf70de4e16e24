import { Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

interface OperationsTopicProps {
  /** The topic's name, which service stacks rebuild its ARN from: `txnflow-dev-ops`. */
  readonly topicName: string;
  /** Subscribed by email; SNS sends each a confirmation first. @default - no subscription */
  readonly emails?: readonly string[];
}

/**
 * The topic every alarm of a stage notifies, named so that each service stack finds it by
 * name (no cross-stack export). Encrypted with a key of its own, rotated yearly: CloudWatch
 * cannot publish to a topic under the AWS managed SNS key, whose policy no one can extend.
 * The key and the topic let CloudWatch alarms of this account and region publish, and no
 * other service.
 *
 * @example new OperationsTopic(this, 'OpsTopic', { topicName: 'txnflow-dev-ops', emails: ['ops@example.com'] })
 */
class OperationsTopic extends Construct {
  readonly topic: Topic;
  readonly key: Key;

  constructor(scope: Construct, id: string, props: OperationsTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const fromAlarms = {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: {
        'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm:*' }),
      },
    };
    const cloudWatch = new ServicePrincipal('cloudwatch.amazonaws.com');
    this.key = new Key(this, 'Key', {
      description: `Encrypts the ${props.topicName} topic; CloudWatch alarms may use it to publish`,
      enableKeyRotation: true,
    });
    this.key.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublishToTheTopic',
        principals: [cloudWatch],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: fromAlarms,
      }),
    );
    this.topic = new Topic(this, 'Topic', {
      topicName: props.topicName,
      displayName: `txnflow alarms (${props.topicName})`,
      masterKey: this.key,
      enforceSSL: true,
    });
    this.topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [cloudWatch],
        actions: ['sns:Publish'],
        resources: [this.topic.topicArn],
        conditions: fromAlarms,
      }),
    );
    for (const email of props.emails ?? []) {
      this.topic.addSubscription(new EmailSubscription(email));
    }
  }
}

export type { OperationsTopicProps };
export { OperationsTopic };
