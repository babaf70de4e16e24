import { describe, expect, it } from 'vitest';
import type { StackKey, TemplateVariant } from './template-variants.ts';
import { type Json, propertiesOf, templateOf } from './txnflow-templates.ts';

/**
 * Two stages deploy side by side in one account and region only if no resource of one takes
 * a name the other needs: every property that is a resource's physical name (unique in the
 * account and region, or in the scope named beside it) must differ between stages.
 */

interface NameRule {
  /** The properties that name the resource, when the template sets them. */
  readonly names: readonly string[];
  /** The property whose value scopes the name (a schema is named within its registry). */
  readonly scope?: string;
}

/**
 * Every resource type the stacks use, with its naming properties (none: CloudFormation names
 * it, or it has no name). A type missing here fails the test until someone classifies it.
 */
const NAME_RULES: Readonly<Record<string, NameRule>> = {
  // An HTTP API is found by its id; its name is a label, but one per stage and service.
  'AWS::ApiGatewayV2::Api': { names: ['Name'] },
  'AWS::ApiGatewayV2::Integration': { names: [] },
  'AWS::ApiGatewayV2::Route': { names: [] },
  // A stage's name ($default) is scoped to its API.
  'AWS::ApiGatewayV2::Stage': { names: [] },
  'AWS::CDK::Metadata': { names: [] },
  'AWS::CloudWatch::Alarm': { names: ['AlarmName'] },
  'AWS::CloudWatch::Dashboard': { names: ['DashboardName'] },
  'AWS::DynamoDB::Table': { names: ['TableName'] },
  'AWS::Events::Archive': { names: ['ArchiveName'] },
  'AWS::Events::EventBus': { names: ['Name'] },
  // CloudFormation takes the statement id as the physical id, unique in the account and region.
  'AWS::Events::EventBusPolicy': { names: ['StatementId'] },
  'AWS::Events::Rule': { names: ['Name'] },
  'AWS::EventSchemas::Registry': { names: ['RegistryName'] },
  'AWS::EventSchemas::Schema': { names: ['SchemaName'], scope: 'RegistryName' },
  'AWS::IAM::ManagedPolicy': { names: ['ManagedPolicyName'] },
  'AWS::IAM::Policy': { names: ['PolicyName'], scope: 'Roles' },
  'AWS::IAM::Role': { names: ['RoleName'] },
  'AWS::KMS::Alias': { names: ['AliasName'] },
  'AWS::KMS::Key': { names: [] },
  'AWS::Lambda::EventInvokeConfig': { names: [] },
  'AWS::Lambda::EventSourceMapping': { names: [] },
  'AWS::Lambda::Function': { names: ['FunctionName'] },
  'AWS::Lambda::Permission': { names: [] },
  'AWS::Logs::LogGroup': { names: ['LogGroupName'] },
  'AWS::S3::Bucket': { names: ['BucketName'] },
  'AWS::S3::BucketPolicy': { names: [] },
  'AWS::SNS::Subscription': { names: [] },
  'AWS::SNS::Topic': { names: ['TopicName'] },
  'AWS::SNS::TopicPolicy': { names: [] },
  'AWS::SQS::Queue': { names: ['QueueName'] },
  'AWS::SQS::QueuePolicy': { names: [] },
};

const STACKS: readonly StackKey[] = ['bus', 'ingest', 'ledger', 'alerting'];

/**
 * A scope value as the name it stands for: a reference resolves to that resource's name, or,
 * when CloudFormation names it, to a name of this variant alone.
 */
function scopeName(value: unknown, resources: Record<string, Json>, variant: string): string {
  const resolve = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(resolve);
    if (v && typeof v === 'object') {
      const ref = (v as Json).Ref ?? ((v as Json)['Fn::GetAtt'] as unknown[] | undefined)?.[0];
      const target = typeof ref === 'string' ? resources[ref] : undefined;
      if (target) {
        const rule = NAME_RULES[String(target.Type)];
        const own = rule?.names.map((n) => propertiesOf(target)[n]).find((n) => n !== undefined);
        return own ?? `generated:${variant}:${ref}`;
      }
    }
    return v;
  };
  return JSON.stringify(resolve(value));
}

/** Every physical name a variant's templates set: `type name=value [in scope]`. */
function physicalNames(variant: TemplateVariant): string[] {
  return STACKS.flatMap((stack) => {
    const resources = templateOf(variant, stack).toJSON().Resources as Record<string, Json>;
    return Object.values(resources).flatMap((resource) => {
      const type = String(resource.Type);
      const rule = NAME_RULES[type];
      if (!rule)
        throw new Error(`${stack}: classify ${type} in NAME_RULES (its naming properties)`);
      const props = propertiesOf(resource);
      const scope = rule.scope ? ` in ${scopeName(props[rule.scope], resources, variant)}` : '';
      return rule.names
        .filter((name) => props[name] !== undefined)
        .map((name) => `${type} ${name}=${JSON.stringify(props[name])}${scope}`);
    });
  });
}

describe('Physical names: two stages in one account and region', () => {
  const test = physicalNames('defaults');
  const prod = physicalNames('secondStage');

  it('share no physical name: stage test and stage prod deploy side by side', () => {
    expect(test.length).toBeGreaterThan(0);
    expect(test.filter((name) => prod.includes(name))).toEqual([]);
  });

  it('name nothing twice within one stage', () => {
    expect(test.filter((name, i) => test.indexOf(name) !== i)).toEqual([]);
  });

  it('carry the stage in every name the stacks set themselves', () => {
    const unscoped = test.filter((name) => !name.includes(' in '));

    expect(unscoped.length).toBeGreaterThan(0);
    for (const name of unscoped) expect(name).toMatch(/txnflow-test\b/);
  });
});
