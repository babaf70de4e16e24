import { describe, expect, it } from 'vitest';
import type { StackKey } from './template-variants.ts';
import {
  actionsOf,
  type Json,
  logicalId,
  propertiesOf,
  resourcesOfType,
  statementsOfRole,
  templateOf,
} from './txnflow-templates.ts';

/**
 * Each service's query API: one HTTP API in the service's own stack, every route authorized
 * by IAM, served by a function whose role reads with GetItem and Query only; and no role of
 * any stack may Scan a table.
 */

const SERVICES: readonly StackKey[] = ['ingest', 'ledger', 'alerting'];
/** The API function's construct id: `IngestApiFunction`. */
const apiFunction = (stack: StackKey) =>
  `${stack.charAt(0).toUpperCase()}${stack.slice(1)}ApiFunction`;
const STACKS: readonly StackKey[] = ['bus', ...SERVICES];

describe('Service stacks: the query API', () => {
  it.each(SERVICES)('the %s stack has one HTTP API, its every route authorized by IAM', (stack) => {
    const template = templateOf('defaults', stack);
    const apis = resourcesOfType(template, 'AWS::ApiGatewayV2::Api');
    const routes = resourcesOfType(template, 'AWS::ApiGatewayV2::Route').map(([, r]) =>
      propertiesOf(r),
    );

    expect(apis.map(([, api]) => propertiesOf(api).ProtocolType)).toEqual(['HTTP']);
    expect(routes).toHaveLength(1);
    expect(routes[0]).toMatchObject({ RouteKey: '$default', AuthorizationType: 'AWS_IAM' });
  });

  it.each(SERVICES)(
    'the %s API hands requests to its own function with payload format 2.0',
    (stack) => {
      const template = templateOf('defaults', stack);
      const fn = logicalId(template, 'AWS::Lambda::Function', apiFunction(stack));
      const [[, integration]] = resourcesOfType(template, 'AWS::ApiGatewayV2::Integration') as [
        [string, Json],
      ];

      expect(propertiesOf(integration)).toMatchObject({
        IntegrationType: 'AWS_PROXY',
        PayloadFormatVersion: '2.0',
        IntegrationUri: { 'Fn::GetAtt': [fn, 'Arn'] },
      });
    },
  );

  it.each(SERVICES)('the %s stage logs every request and is throttled', (stack) => {
    const template = templateOf('defaults', stack);
    const [[, stage]] = resourcesOfType(template, 'AWS::ApiGatewayV2::Stage') as [[string, Json]];

    expect(propertiesOf(stage)).toMatchObject({
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: expect.anything() },
      DefaultRouteSettings: { ThrottlingRateLimit: 50, ThrottlingBurstLimit: 100 },
    });
  });

  const apiActions: readonly (readonly [StackKey, readonly string[]])[] = [
    ['ingest', ['dynamodb:GetItem', 'dynamodb:Query', 's3:PutObject']],
    ['ledger', ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query']],
    ['alerting', ['dynamodb:Query']],
  ];

  it.each(apiActions)('the %s API function reads with %j and no more', (stack, actions) => {
    const template = templateOf('defaults', stack);
    const role = logicalId(template, 'AWS::IAM::Role', `${apiFunction(stack)}Role`);
    const granted = statementsOfRole(template, role)
      .flatMap(actionsOf)
      .filter((a) => !a.startsWith('logs:') && !a.startsWith('xray:'));

    expect([...new Set(granted)].sort()).toEqual(actions);
  });

  it('lets ingest’s API put uploads under incoming/ only', () => {
    const template = templateOf('defaults', 'ingest');
    const role = logicalId(template, 'AWS::IAM::Role', `${apiFunction('ingest')}Role`);
    const put = statementsOfRole(template, role).find((s) => actionsOf(s).includes('s3:PutObject'));

    expect(JSON.stringify(put?.Resource)).toContain('/incoming/*');
  });

  it.each([
    ['ingest', 'Customer', 'customerId', 'INCLUDE'],
    ['ledger', 'TransactionTotal', 'customerId', 'KEYS_ONLY'],
    ['alerting', 'Alerts', 'listingKey', 'ALL'],
  ] as const)(
    'the %s table %s has its Listing index, sorted by %s, projecting %s',
    (stack, table, sortKey, projection) => {
      const template = templateOf('defaults', stack);
      const id = logicalId(template, 'AWS::DynamoDB::Table', `Tables${table}Table`);
      const [[, resource]] = resourcesOfType(template, 'AWS::DynamoDB::Table').filter(
        ([tableId]) => tableId === id,
      ) as [[string, Json]];

      expect(propertiesOf(resource).GlobalSecondaryIndexes).toEqual([
        expect.objectContaining({
          IndexName: 'Listing',
          KeySchema: [
            { AttributeName: 'listing', KeyType: 'HASH' },
            { AttributeName: sortKey, KeyType: 'RANGE' },
          ],
          Projection: expect.objectContaining({ ProjectionType: projection }),
        }),
      ]);
    },
  );
});

describe('Every stack: no role may Scan', () => {
  it('no policy of any stack grants dynamodb:Scan (or dynamodb:*)', () => {
    const actions = STACKS.flatMap((stack) =>
      resourcesOfType(templateOf('defaults', stack), 'AWS::IAM::Policy').flatMap(([, policy]) =>
        ((propertiesOf(policy).PolicyDocument as Json).Statement as Json[]).flatMap(actionsOf),
      ),
    );

    expect(actions).toContain('dynamodb:Query');
    expect(actions.filter((a) => a === 'dynamodb:Scan' || a === 'dynamodb:*')).toEqual([]);
  });
});
