import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  actionsOf,
  getAtt,
  logicalId,
  onlyTargetOf,
  ruleNamed,
  statementsOfRole,
  templateOf,
} from './txnflow-templates.ts';

describe('Stack: txnflow-<stage>-ingest', () => {
  const template = templateOf('defaults', 'ingest');

  const bucketId = () => logicalId(template, 'AWS::S3::Bucket', 'UploadsBucket');
  const logsBucketId = () => logicalId(template, 'AWS::S3::Bucket', 'UploadsAccessLogs');
  const functionId = () => logicalId(template, 'AWS::Lambda::Function', 'ObjectCreatedFunction');
  const dlqId = () => logicalId(template, 'AWS::SQS::Queue', 'UploadsObjectCreatedToIngestDLQ');
  const roleId = () => logicalId(template, 'AWS::IAM::Role', 'ObjectCreatedFunctionRole');
  const chunkQueueId = () => logicalId(template, 'AWS::SQS::Queue', 'IngestChunksQueue');

  describe('Bucket: Uploads', () => {
    it('is private, encrypted, versioned, logged, retained, and sends its events to EventBridge', () => {
      expect(template.toJSON().Resources[bucketId()]).toMatchObject({
        DeletionPolicy: 'Retain',
        Properties: {
          BucketEncryption: {
            ServerSideEncryptionConfiguration: [
              { ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } },
            ],
          },
          PublicAccessBlockConfiguration: {
            BlockPublicAcls: true,
            BlockPublicPolicy: true,
            IgnorePublicAcls: true,
            RestrictPublicBuckets: true,
          },
          VersioningConfiguration: { Status: 'Enabled' },
          NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
          LoggingConfiguration: { DestinationBucketName: { Ref: logsBucketId() } },
        },
      });
    });

    it('needs no notifications custom resource to send events to EventBridge', () => {
      template.resourceCountIs('Custom::S3BucketNotifications', 0);
      // The upload handler, the chunk task function and the query API: no custom resource's function.
      template.resourceCountIs('AWS::Lambda::Function', 3);
    });

    it('refuses requests without TLS', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: bucketId() },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Action: 's3:*',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
          ]),
        },
      });
    });

    it('lets S3 deliver access logs of this bucket only, through the log bucket policy', () => {
      template.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: logsBucketId() },
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'logging.s3.amazonaws.com' },
              Action: 's3:PutObject',
              Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': getAtt(bucketId()) } }),
            }),
          ]),
        },
      });
    });
  });

  describe('Rule: UploadsObjectCreatedToIngest', () => {
    it('takes "Object Created" of the uploads bucket from the default bus, except the reports', () => {
      const [, rule] = ruleNamed(template, 'UploadsObjectCreatedToIngest');

      expect(rule.EventBusName).toBeUndefined();
      expect(rule.EventPattern).toEqual({
        source: ['aws.s3'],
        'detail-type': ['Object Created'],
        detail: {
          bucket: { name: [{ Ref: bucketId() }] },
          object: { key: [{ 'anything-but': { prefix: 'reports/' } }] },
        },
      });
    });

    it('invokes the function with a retry policy and a dead-letter queue', () => {
      const [, rule] = ruleNamed(template, 'UploadsObjectCreatedToIngest');

      expect(onlyTargetOf(rule)).toMatchObject({
        Arn: getAtt(functionId()),
        DeadLetterConfig: { Arn: getAtt(dlqId()) },
        RetryPolicy: { MaximumRetryAttempts: 8, MaximumEventAgeInSeconds: 21600 },
      });
    });

    it("retries the function's own failures twice, then dead-letters them to the same queue", () => {
      template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: functionId() },
        MaximumRetryAttempts: 2,
      });
      template.hasResourceProperties('AWS::Lambda::Function', {
        DeadLetterConfig: { TargetArn: getAtt(dlqId()) },
        Timeout: 900,
        MemorySize: 1024,
      });
    });

    it('lets only this rule invoke the function', () => {
      const [ruleId] = ruleNamed(template, 'UploadsObjectCreatedToIngest');

      template.hasResourceProperties('AWS::Lambda::Permission', {
        Action: 'lambda:InvokeFunction',
        Principal: 'events.amazonaws.com',
        FunctionName: getAtt(functionId()),
        SourceArn: getAtt(ruleId),
      });
    });
  });

  describe('Function: objectCreated', () => {
    it('reads uploaded objects, by version too, and writes under reports/ only', () => {
      const s3 = statementsOfRole(template, roleId()).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('s3:')),
      );

      expect(s3).toEqual([
        {
          Effect: 'Allow',
          Action: 's3:GetObjectVersion',
          Resource: { 'Fn::Join': ['', [getAtt(bucketId()), '/*']] },
        },
        {
          Effect: 'Allow',
          Action: 's3:PutObject',
          Resource: { 'Fn::Join': ['', [getAtt(bucketId()), '/reports/*']] },
        },
      ]);
    });

    it('dead-letters invalid events to the rule dead-letter queue, and queues chunks, both named in its environment', () => {
      const statements = statementsOfRole(template, roleId());

      template.hasResourceProperties('AWS::Lambda::Function', {
        Environment: {
          Variables: Match.objectLike({
            DEAD_LETTER_QUEUE_URL: { Ref: dlqId() },
            INGEST_CHUNKS_QUEUE_URL: { Ref: chunkQueueId() },
          }),
        },
      });
      expect(
        statements.filter((s) => actionsOf(s).includes('sqs:SendMessage')).map((s) => s.Resource),
      ).toEqual([getAtt(dlqId()), getAtt(chunkQueueId())]);
    });

    it('publishes only as txnflow.ingest and writes items of its four tables', () => {
      const statements = statementsOfRole(template, roleId());

      expect(statements.find((s) => s.Action === 'events:PutEvents')?.Condition).toEqual({
        StringEquals: { 'events:source': 'txnflow.ingest' },
      });
      // The tables themselves, not their indexes: no item action reads an index.
      const table = (name: string) => getAtt(logicalId(template, 'AWS::DynamoDB::Table', name));
      const writing = (action: string) =>
        statements.filter((s) => actionsOf(s).includes(action)).map((s) => s.Resource);
      expect(writing('dynamodb:BatchWriteItem')).toEqual([]);
      expect(writing('dynamodb:PutItem')).toEqual([table('TablesTransactions')]);
      expect(writing('dynamodb:UpdateItem').flat()).toEqual(
        ['TablesCustomer', 'TablesUploads', 'TablesUploadTasks'].flatMap(table),
      );
    });
  });

  describe('Function: chunkTask and the chunk queue', () => {
    const chunkRoleId = () => logicalId(template, 'AWS::IAM::Role', 'ChunkTaskFunctionRole');
    const chunkFunctionId = () => logicalId(template, 'AWS::Lambda::Function', 'ChunkTaskFunction');
    const chunkDlqId = () => logicalId(template, 'AWS::SQS::Queue', 'IngestChunksDeadLetters');

    it('reads the chunk queue one task at a time, at most 50 at once, reporting the failed ones', () => {
      template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
        EventSourceArn: getAtt(chunkQueueId()),
        FunctionName: { Ref: chunkFunctionId() },
        BatchSize: 1,
        ScalingConfig: { MaximumConcurrency: 50 },
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      });
    });

    it('keeps a task invisible six times the function timeout, and dead-letters it after 5 receives', () => {
      expect(template.toJSON().Resources[chunkFunctionId()].Properties).toMatchObject({
        Timeout: 900,
        Environment: {
          Variables: {
            INGEST_CHUNKS_QUEUE_URL: { Ref: chunkQueueId() },
            DEAD_LETTER_QUEUE_URL: { Ref: chunkDlqId() },
          },
        },
      });
      expect(template.toJSON().Resources[chunkQueueId()].Properties).toMatchObject({
        VisibilityTimeout: 5400,
        RedrivePolicy: { deadLetterTargetArn: getAtt(chunkDlqId()), maxReceiveCount: 5 },
      });
    });

    it('reads the file by version and its own work objects by key, and writes under reports/ only', () => {
      const s3 = statementsOfRole(template, chunkRoleId()).filter((s) =>
        actionsOf(s).some((a) => a.startsWith('s3:')),
      );

      expect(s3.map((s) => [s.Action, s.Resource])).toEqual([
        ['s3:GetObjectVersion', { 'Fn::Join': ['', [getAtt(bucketId()), '/*']] }],
        ['s3:PutObject', { 'Fn::Join': ['', [getAtt(bucketId()), '/reports/*']] }],
        ['s3:GetObject', { 'Fn::Join': ['', [getAtt(bucketId()), '/reports/.chunks/*']] }],
      ]);
    });

    it('lets the work objects of chunked uploads expire after a week', () => {
      expect(
        template.toJSON().Resources[bucketId()].Properties.LifecycleConfiguration.Rules,
      ).toContainEqual({
        Id: 'ChunkWorkObjects',
        Prefix: 'reports/.chunks/',
        ExpirationInDays: 7,
        NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        Status: 'Enabled',
      });
    });
  });

  describe('Tables', () => {
    it('keeps Customer, Transactions, Uploads and UploadTasks with PITR and deletion protection', () => {
      template.resourceCountIs('AWS::DynamoDB::Table', 4);
      template.allResourcesProperties('AWS::DynamoDB::Table', {
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        BillingMode: 'PAY_PER_REQUEST',
      });
    });
  });
});
