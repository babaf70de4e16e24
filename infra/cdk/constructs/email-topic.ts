import { Alias } from 'aws-cdk-lib/aws-kms';
import { Topic } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

interface EmailTopicProps {
  /** Subscribed by email; SNS sends the address a confirmation first. @default - no subscription */
  readonly email?: string;
  /** @default - no display name */
  readonly displayName?: string;
}

/**
 * An SNS topic for emails: encrypted with the AWS managed key `alias/aws/sns` (its key
 * policy lets IAM principals of the account publish through SNS; only txnflow's own
 * function publishes, EventBridge does not), TLS only.
 *
 * @example new EmailTopic(this, 'HighBalanceAlert', { email: 'alerts@example.com' }).topic
 */
class EmailTopic extends Construct {
  readonly topic: Topic;

  constructor(scope: Construct, id: string, props: EmailTopicProps = {}) {
    super(scope, id);
    this.topic = new Topic(this, 'Topic', {
      masterKey: Alias.fromAliasName(this, 'SnsManagedKey', 'alias/aws/sns'),
      enforceSSL: true,
      ...(props.displayName ? { displayName: props.displayName } : {}),
    });
    if (props.email) this.topic.addSubscription(new EmailSubscription(props.email));
  }
}

export type { EmailTopicProps };
export { EmailTopic };
