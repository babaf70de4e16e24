import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { buildTxnflowApp, type TxnflowStacks } from '../../cdk/txnflow-app.ts';

type StackKey = 'bus' | 'ingest' | 'ledger' | 'alerting';

interface SynthesizedTxnflow {
  readonly app: App;
  readonly stacks: TxnflowStacks;
  readonly templates: Readonly<Record<StackKey, Template>>;
}

type Json = Record<string, unknown>;

/**
 * The txnflow app of stage `test`, built and synthesized once per test file. Bundling is
 * skipped (the CDK's own `aws:cdk:bundling-stacks` switch): these tests read templates;
 * txnflow-app.test.ts bundles for real.
 */
function synthesizeTxnflow(context: Record<string, unknown> = {}): SynthesizedTxnflow {
  const app = new App({
    context: { 'txnflow:stage': 'test', 'aws:cdk:bundling-stacks': [], ...context },
  });
  const stacks = buildTxnflowApp(app, { nag: false });
  const templates = {
    bus: Template.fromStack(stacks.bus),
    ingest: Template.fromStack(stacks.ingest),
    ledger: Template.fromStack(stacks.ledger),
    alerting: Template.fromStack(stacks.alerting),
  };
  return { app, stacks, templates };
}

function resourcesOfType(template: Template, type: string): [string, Json][] {
  return Object.entries(template.findResources(type)).map(([id, r]) => [id, r as Json]);
}

const propertiesOf = (resource: Json): Json => (resource.Properties ?? {}) as Json;

/** The rule carrying a manifest rule name in its description: [logical id, properties]. */
function ruleNamed(template: Template, manifestRule: string): [string, Json] {
  const found = resourcesOfType(template, 'AWS::Events::Rule').find(([, r]) =>
    String(propertiesOf(r).Description).startsWith(`txnflow rule ${manifestRule} of `),
  );
  if (!found) throw new Error(`no rule ${manifestRule} in the template`);
  return [found[0], propertiesOf(found[1])];
}

/** The single target of a rule. */
function onlyTargetOf(rule: Json): Json {
  const targets = rule.Targets as Json[];
  if (targets.length !== 1) throw new Error(`expected one target, got ${targets.length}`);
  return targets[0] as Json;
}

/** The logical id of the one resource of a type whose id starts with a prefix. */
function logicalId(template: Template, type: string, prefix: string): string {
  const ids = resourcesOfType(template, type)
    .map(([id]) => id)
    .filter((id) => id.startsWith(prefix));
  if (ids.length !== 1) throw new Error(`expected one ${type} ${prefix}*, got ${ids.join(', ')}`);
  return ids[0] as string;
}

/** Every statement of the policies attached to a role (by logical id). */
function statementsOfRole(template: Template, roleId: string): Json[] {
  return resourcesOfType(template, 'AWS::IAM::Policy')
    .filter(([, p]) => ((propertiesOf(p).Roles ?? []) as Json[]).some((ref) => ref.Ref === roleId))
    .flatMap(([, p]) => (propertiesOf(p).PolicyDocument as Json).Statement as Json[]);
}

/** Actions of a statement, always as an array. */
const actionsOf = (statement: Json): string[] => [statement.Action as string | string[]].flat();

const getAtt = (id: string, attribute = 'Arn') => ({ 'Fn::GetAtt': [id, attribute] });

export type { Json, StackKey, SynthesizedTxnflow };
export {
  actionsOf,
  getAtt,
  logicalId,
  onlyTargetOf,
  propertiesOf,
  resourcesOfType,
  ruleNamed,
  statementsOfRole,
  synthesizeTxnflow,
};
