import { eventContracts, toRegistrySchema } from '@txnflow/contracts';
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import {
  getAtt,
  type Json,
  logicalId,
  propertiesOf,
  resourcesOfType,
  templateOf,
} from './txnflow-templates.ts';

describe('Stack: txnflow-<stage>-bus', () => {
  const template = templateOf('configured', 'bus');

  it('creates the custom bus named after the stage', () => {
    template.hasResourceProperties('AWS::Events::EventBus', { Name: 'txnflow-test' });
  });

  it('archives every event of the bus, with the configured retention', () => {
    const [[, archive]] = resourcesOfType(template, 'AWS::Events::Archive') as [
      [string, Record<string, unknown>],
    ];

    expect(propertiesOf(archive)).toMatchObject({
      ArchiveName: 'txnflow-test-archive',
      RetentionDays: 90,
      SourceArn: { 'Fn::GetAtt': [expect.stringMatching(/^TxnflowBus/), 'Arn'] },
    });
    expect(propertiesOf(archive).EventPattern).toBeUndefined();
  });

  it('registers each contract version as a JSONSchemaDraft4 schema of the whole event', () => {
    const schemas = resourcesOfType(template, 'AWS::EventSchemas::Schema').map(([, s]) =>
      propertiesOf(s),
    );

    expect(schemas).toHaveLength(eventContracts.length);
    for (const contract of eventContracts) {
      const schema = schemas.find(
        (s) => s.SchemaName === `${contract.source}@${contract.detailType}-v${contract.version}`,
      );
      expect(schema?.Type).toBe('JSONSchemaDraft4');
      expect(JSON.parse(String(schema?.Content))).toEqual(toRegistrySchema(contract));
    }
    template.hasResourceProperties('AWS::EventSchemas::Registry', { RegistryName: 'txnflow-test' });
  });

  describe('Bus policy', () => {
    const services = [
      ['ingest', 'txnflow.ingest'],
      ['ledger', 'txnflow.ledger'],
      ['alerting', 'txnflow.alerting'],
    ] as const;
    const tagKey = 'aws:PrincipalTag/txnflow-service';
    const busProperties = () => {
      const [[, bus]] = resourcesOfType(template, 'AWS::Events::EventBus') as [[string, Json]];
      return propertiesOf(bus);
    };
    const statements = () => (busProperties().Policy as { Statement: Json[] }).Statement;
    const rolesOf = (service: string) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::',
          { Ref: 'AWS::AccountId' },
          `:role/txnflow/test/${service}/*`,
        ],
      ],
    });
    const onTheBus = {
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'events:PutEvents',
      Resource: {
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':events:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            ':event-bus/txnflow-test',
          ],
        ],
      },
    };

    it('is the policy of the bus itself: no EventBusPolicy resource, whose statement id would be a physical id', () => {
      template.resourceCountIs('AWS::Events::EventBusPolicy', 0);
      expect(statements()).toHaveLength(12);
    });

    it.each(services)(
      'denies the %s source to every principal not tagged as that service',
      (service, source) => {
        expect(statements()).toContainEqual({
          ...onTheBus,
          Sid: expect.any(String),
          Condition: {
            StringEquals: { 'events:source': source },
            StringNotEquals: { [tagKey]: service },
          },
        });
      },
    );

    it.each(services)(
      'denies the %s source to every principal but the roles under its path, whatever its session tags',
      (service, source) => {
        expect(statements()).toContainEqual({
          ...onTheBus,
          Sid: expect.any(String),
          Condition: {
            StringEquals: { 'events:source': source },
            ArnNotLike: { 'aws:PrincipalArn': rolesOf(service) },
          },
        });
      },
    );

    it.each(services)(
      'denies the principals tagged as %s, and its roles, any source but %s',
      (service, source) => {
        expect(statements()).toContainEqual({
          ...onTheBus,
          Sid: expect.any(String),
          Condition: {
            StringEquals: { [tagKey]: service },
            StringNotEquals: { 'events:source': source },
          },
        });
        expect(statements()).toContainEqual({
          ...onTheBus,
          Sid: expect.any(String),
          Condition: {
            ArnLike: { 'aws:PrincipalArn': rolesOf(service) },
            StringNotEquals: { 'events:source': source },
          },
        });
      },
    );

    it('allows nothing by itself: it only takes away', () => {
      expect(statements().map((s) => s.Effect)).toEqual(Array(12).fill('Deny'));
    });

    it('names its statements uniquely, and not as the cdk-… statements it replaces on upgrade', () => {
      const sids = statements().map((s) => String(s.Sid));

      expect(new Set(sids).size).toBe(sids.length);
      expect(sids.filter((sid) => sid.startsWith('cdk-'))).toEqual([]);
    });

    it('fits the 10 KB EventBridge allows a bus policy, in the longest partition and region', () => {
      const deployed = JSON.stringify(statements())
        .replaceAll('{"Ref":"AWS::Partition"}', '"aws-iso-b"')
        .replaceAll('{"Ref":"AWS::Region"}', '"ap-southeast-5"')
        .replaceAll('{"Ref":"AWS::AccountId"}', '"123456789012"');

      expect(deployed.length).toBeLessThan(10 * 1024);
    });
  });

  describe('Operations topic', () => {
    const topicId = () => logicalId(template, 'AWS::SNS::Topic', 'OpsTopic');

    it('is named after the stage, so that service stacks find it by name', () => {
      expect(
        propertiesOf(resourcesOfType(template, 'AWS::SNS::Topic')[0]?.[1] ?? {}),
      ).toMatchObject({ TopicName: 'txnflow-test-ops' });
    });

    it('subscribes each operations address from context', () => {
      const endpoints = resourcesOfType(template, 'AWS::SNS::Subscription').map(
        ([, s]) => propertiesOf(s).Endpoint,
      );

      expect(endpoints.sort()).toEqual(['oncall@example.com', 'ops@example.com']);
      templateOf('defaults', 'bus').resourceCountIs('AWS::SNS::Subscription', 0);
    });

    it('is encrypted with a rotated key of its own that CloudWatch alarms of the account may use', () => {
      const keyId = logicalId(template, 'AWS::KMS::Key', 'OpsTopicKey');
      template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: getAtt(keyId) });
      template.hasResourceProperties('AWS::KMS::Key', {
        EnableKeyRotation: true,
        KeyPolicy: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
              Condition: Match.objectLike({
                StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
              }),
            }),
          ]),
        },
      });
    });

    it('lets CloudWatch alarms of the account publish, over TLS only', () => {
      template.hasResourceProperties('AWS::SNS::TopicPolicy', {
        Topics: [{ Ref: topicId() }],
        PolicyDocument: {
          Statement: Match.arrayWith([
            Match.objectLike({
              Effect: 'Deny',
              Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            }),
            Match.objectLike({
              Effect: 'Allow',
              Principal: { Service: 'cloudwatch.amazonaws.com' },
              Action: 'sns:Publish',
              Condition: Match.objectLike({
                ArnLike: { 'aws:SourceArn': Match.anyValue() },
              }),
            }),
          ]),
        },
      });
    });
  });

  it('exports nothing for other stacks to import', () => {
    const outputs = Object.values(template.toJSON().Outputs ?? {}) as Record<string, unknown>[];

    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.filter((o) => o.Export !== undefined)).toEqual([]);
  });
});
