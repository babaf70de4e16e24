import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

interface EventSourceBucketProps {
  /** @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** How long server access logs are kept. @default Duration.days(365) */
  readonly accessLogRetention?: Duration;
  /** How long an overwritten or deleted upload stays recoverable. @default Duration.days(90) */
  readonly noncurrentVersionRetention?: Duration;
}

/**
 * A private bucket that sends its object events to EventBridge (the default bus): block
 * public access, TLS only, S3-managed encryption, versioned, server access logs to a
 * bucket of its own. EventBridge delivery is switched on in the bucket's own
 * NotificationConfiguration, which CloudFormation supports natively, rather than through
 * the CDK's notifications custom resource (a Lambda function and a role for one flag).
 *
 * @example new EventSourceBucket(this, 'Uploads').bucket
 */
class EventSourceBucket extends Construct {
  readonly bucket: Bucket;
  readonly accessLogs: Bucket;

  constructor(scope: Construct, id: string, props: EventSourceBucketProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.accessLogs = new Bucket(this, 'AccessLogs', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      lifecycleRules: [{ expiration: props.accessLogRetention ?? Duration.days(365) }],
      removalPolicy,
    });
    this.bucket = new Bucket(this, 'Bucket', {
      encryption: BucketEncryption.S3_MANAGED,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [
        {
          noncurrentVersionExpiration: props.noncurrentVersionRetention ?? Duration.days(90),
          abortIncompleteMultipartUploadAfter: Duration.days(7),
        },
      ],
      removalPolicy,
    });
    const logPrefix = `${id}/`;
    const cfnBucket = this.bucket.node.defaultChild as CfnBucket;
    cfnBucket.notificationConfiguration = {
      eventBridgeConfiguration: { eventBridgeEnabled: true },
    };
    // Log delivery through a bucket policy (what AWS recommends over the log-delivery ACL the
    // CDK uses without the serverAccessLogsUseBucketPolicy flag), limited to this bucket.
    cfnBucket.loggingConfiguration = {
      destinationBucketName: this.accessLogs.bucketName,
      logFilePrefix: logPrefix,
    };
    this.accessLogs.addToResourcePolicy(
      new PolicyStatement({
        sid: 'S3ServerAccessLogsDelivery',
        principals: [new ServicePrincipal('logging.s3.amazonaws.com')],
        actions: ['s3:PutObject'],
        resources: [this.accessLogs.arnForObjects(`${logPrefix}*`)],
        conditions: {
          ArnLike: { 'aws:SourceArn': this.bucket.bucketArn },
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
        },
      }),
    );
    Validations.of(this.accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket receives the server access logs of the uploads bucket; logging the ' +
        'log bucket would need yet another bucket, or log into itself in a loop.',
    });
  }
}

export type { EventSourceBucketProps };
export { EventSourceBucket };
