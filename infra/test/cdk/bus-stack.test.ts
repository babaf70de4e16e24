import { eventContracts, toRegistrySchema } from '@txnflow/contracts';
import { describe, expect, it } from 'vitest';
import { propertiesOf, resourcesOfType, templateOf } from './txnflow-templates.ts';

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
    const statements = () =>
      resourcesOfType(template, 'AWS::Events::EventBusPolicy').map(
        ([, p]) => propertiesOf(p).Statement as Record<string, unknown>,
      );

    it.each([
      ['ingest', 'txnflow.ingest'],
      ['ledger', 'txnflow.ledger'],
      ['alerting', 'txnflow.alerting'],
    ])('denies the %s source to every principal not tagged as %s', (service, source) => {
      expect(statements()).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Principal: { AWS: '*' },
          Action: 'events:PutEvents',
          Condition: {
            StringEquals: { 'events:source': source },
            StringNotEquals: { 'aws:PrincipalTag/txnflow-service': service },
          },
        }),
      );
    });

    it.each([
      ['ingest', 'txnflow.ingest'],
      ['ledger', 'txnflow.ledger'],
      ['alerting', 'txnflow.alerting'],
    ])('denies the principals tagged as %s any source but %s', (service, source) => {
      expect(statements()).toContainEqual(
        expect.objectContaining({
          Effect: 'Deny',
          Condition: {
            StringEquals: { 'aws:PrincipalTag/txnflow-service': service },
            StringNotEquals: { 'events:source': source },
          },
        }),
      );
    });

    it('allows nothing by itself: it only takes away', () => {
      expect(statements().map((s) => s.Effect)).toEqual(Array(6).fill('Deny'));
    });
  });

  it('exports nothing for other stacks to import', () => {
    const outputs = Object.values(template.toJSON().Outputs ?? {}) as Record<string, unknown>[];

    expect(outputs.length).toBeGreaterThan(0);
    expect(outputs.filter((o) => o.Export !== undefined)).toEqual([]);
  });
});
