import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SERVICE_TAG, serviceRolePath, stackName } from '../../cdk/names.ts';

/**
 * The session-tag guard (docs/session-tag-guard.md) is a policy file for AWS Organizations:
 * it cannot be deployed from here, so it is checked against what the stacks use.
 */

interface Statement {
  readonly Sid: string;
  readonly Effect: string;
  readonly Action: string | string[];
  readonly Resource: string;
  readonly Condition: Record<string, Record<string, string | string[]>>;
}

const text = readFileSync(
  new URL('../../guard/txnflow-service-guard.scp.json', import.meta.url),
  'utf8',
);
const policy = JSON.parse(text) as { Version: string; Statement: Statement[] };
const statement = (sid: string): Statement => {
  const found = policy.Statement.find((s) => s.Sid === sid);
  if (!found) throw new Error(`no statement ${sid}`);
  return found;
};
const actions = (s: Statement): string[] => [s.Action].flat();
const DEPLOYMENT_ROLE = 'arn:*:iam::*:role/cdk-*-cfn-exec-role-*';

describe('Guard: the txnflow-service SCP', () => {
  it('is a policy of denies only, within the 5,120 characters an SCP may have', () => {
    expect(policy.Version).toBe('2012-10-17');
    expect(policy.Statement.map((s) => s.Effect)).toEqual(policy.Statement.map(() => 'Deny'));
    expect(JSON.stringify(policy).length).toBeLessThanOrEqual(5120);
  });

  it('refuses the service tag as a session tag to everyone, in any case', () => {
    const s = statement('DenyTxnflowServiceSessionTag');

    expect(actions(s)).toEqual(['sts:TagSession']);
    expect(s.Condition).toEqual({
      'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [SERVICE_TAG] },
    });
  });

  it('refuses tagging a role or user with the service tag, except to deployments', () => {
    const s = statement('DenyTxnflowServiceTagOutsideDeployments');

    expect(actions(s)).toEqual(
      expect.arrayContaining(['iam:TagRole', 'iam:TagUser', 'iam:CreateRole', 'iam:CreateUser']),
    );
    expect(s.Condition).toEqual({
      'ForAnyValue:StringEqualsIgnoreCase': { 'aws:TagKeys': [SERVICE_TAG] },
      ArnNotLike: { 'aws:PrincipalArn': DEPLOYMENT_ROLE },
    });
  });

  it('keeps the roles under the path the bus policy trusts to deployments, passing them included', () => {
    const s = statement('DenyTxnflowRolesOutsideDeployments');
    const rolePrefix = serviceRolePath('dev', 'ledger').split('/')[1];

    expect(s.Resource).toBe(`arn:*:iam::*:role/${rolePrefix}/*`);
    expect(actions(s)).toEqual(
      expect.arrayContaining(['iam:CreateRole', 'iam:PassRole', 'iam:UpdateAssumeRolePolicy']),
    );
    expect(s.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': DEPLOYMENT_ROLE } });
  });

  it("keeps the functions' code and configuration to deployments", () => {
    const s = statement('DenyTxnflowFunctionChangesOutsideDeployments');
    // CloudFormation names a function after its stack: `txnflow-<stage>-<service>-…`.
    const prefix = `${stackName('dev', 'ledger').split('-')[0]}-`;

    expect(s.Resource).toBe(`arn:*:lambda:*:*:function:${prefix}*`);
    expect(actions(s)).toEqual(
      expect.arrayContaining(['lambda:UpdateFunctionCode', 'lambda:UpdateFunctionConfiguration']),
    );
  });

  it('refuses a txnflow source to any caller but a txnflow function, tags or not', () => {
    const s = statement('DenyTxnflowSourcesOutsideTxnflowFunctions');

    expect(actions(s)).toEqual(['events:PutEvents']);
    expect(s.Condition).toEqual({
      StringLike: { 'events:source': 'txnflow.*' },
      ArnNotLike: { 'lambda:SourceFunctionArn': 'arn:*:lambda:*:*:function:txnflow-*' },
    });
  });
});
