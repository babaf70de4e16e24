import { describe, expect, it } from 'vitest';
import { actionsOf, logicalId, statementsOfRole, templateOf } from './txnflow-templates.ts';

// A publishing function checks at cold start that its bus exists (DescribeEventBus), since
// PutEvents to a bus that does not exist answers an EventId and drops the event.
describe('Grant: events:DescribeEventBus', () => {
  it.each([
    ['ingest', 'ObjectCreatedFunctionRole'],
    ['ledger', 'TransactionRecordedFunctionRole'],
  ] as const)('lets the %s function describe its own bus, and nothing else', (stack, role) => {
    const template = templateOf('defaults', stack);

    const describing = statementsOfRole(
      template,
      logicalId(template, 'AWS::IAM::Role', role),
    ).filter((s) => actionsOf(s).includes('events:DescribeEventBus'));

    expect(describing).toHaveLength(1);
    expect(describing[0]).toMatchObject({ Effect: 'Allow', Action: 'events:DescribeEventBus' });
    expect(describing[0]).not.toHaveProperty('Condition');
    const resource = JSON.stringify(describing[0]?.Resource);
    expect(resource).toContain(':event-bus/txnflow-test');
    expect(resource).not.toContain('*');
  });

  it('is not given to alerting, which publishes nothing', () => {
    const template = templateOf('defaults', 'alerting');
    const roles = Object.keys(template.findResources('AWS::IAM::Role'));

    const describing = roles.flatMap((role) =>
      statementsOfRole(template, role).filter((s) =>
        actionsOf(s).includes('events:DescribeEventBus'),
      ),
    );

    expect(roles.length).toBeGreaterThan(0);
    expect(describing).toEqual([]);
  });
});
