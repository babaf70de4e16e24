import { readFileSync } from 'node:fs';
import { Template } from 'aws-cdk-lib/assertions';
import { inject } from 'vitest';
import type { StackKey, TemplateVariant } from './template-variants.ts';

type Json = Record<string, unknown>;

/**
 * A stack's template of a variant, as the global setup (synthesize-once.ts) synthesized it
 * for the whole test run: reading it costs a file read, not a synth.
 *
 * @example const template = templateOf('defaults', 'ingest');
 */
function templateOf(variant: TemplateVariant, stack: StackKey): Template {
  const file = inject('txnflowTemplates')[variant][stack];
  return Template.fromJSON(JSON.parse(readFileSync(file, 'utf8')) as Json);
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

export type { Json, StackKey };
export {
  actionsOf,
  getAtt,
  logicalId,
  onlyTargetOf,
  propertiesOf,
  resourcesOfType,
  ruleNamed,
  statementsOfRole,
  templateOf,
};
