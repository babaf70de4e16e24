/**
 * The few physical names txnflow fixes, all carrying the stage. Everything else is named by
 * CloudFormation. This module has no CDK import: the replay CLI uses it too.
 */

/** Stage names become part of resource names: lower-case letters, digits and dashes. */
const STAGE_PATTERN = /^[a-z][a-z0-9-]{0,19}$/;

/**
 * The custom bus of a stage. Fixed, so that service stacks find it by name (no cross-stack
 * exports) and a service can be deployed alone.
 *
 * @example busName('dev') // 'txnflow-dev'
 */
function busName(stage: string): string {
  return `txnflow-${stage}`;
}

/**
 * The bus archive, named so that a replay can find it (DescribeArchive takes a name).
 *
 * @example archiveName('dev') // 'txnflow-dev-archive'
 */
function archiveName(stage: string): string {
  return `txnflow-${stage}-archive`;
}

/**
 * The schema registry of the stage's events; a registry is looked up by name.
 *
 * @example registryName('dev') // 'txnflow-dev'
 */
function registryName(stage: string): string {
  return `txnflow-${stage}`;
}

/**
 * A stack of the app: `txnflow-dev-bus`, `txnflow-dev-ledger`.
 *
 * @example stackName('dev', 'ledger') // 'txnflow-dev-ledger'
 */
function stackName(stage: string, part: string): string {
  return `txnflow-${stage}-${part}`;
}

/**
 * The stage's operations topic: every alarm of every service notifies it. Fixed, so that
 * service stacks find it by name, as they find the bus.
 *
 * @example opsTopicName('dev') // 'txnflow-dev-ops'
 */
function opsTopicName(stage: string): string {
  return `txnflow-${stage}-ops`;
}

/**
 * A service's CloudWatch dashboard; dashboard names are unique in an account.
 *
 * @example dashboardName('dev', 'ledger') // 'txnflow-dev-ledger'
 */
function dashboardName(stage: string, service: string): string {
  return `txnflow-${stage}-${service}`;
}

/**
 * The IAM path of a service's function roles. The bus policy trusts a source to roles under
 * its service's path (the role ARN, which session tags cannot change), besides the tag.
 *
 * @example serviceRolePath('dev', 'ledger') // '/txnflow/dev/ledger/'
 */
function serviceRolePath(stage: string, service: string): string {
  return `/txnflow/${stage}/${service}/`;
}

/**
 * The tag every service function's role carries, `txnflow-service = <service>`; the bus
 * policy reads it as `aws:PrincipalTag/txnflow-service`.
 */
const SERVICE_TAG = 'txnflow-service';

const RULE_DESCRIPTION = /^txnflow rule ([A-Za-z0-9]+) of ([a-z]+)\b/;

/**
 * A rule's description carries its manifest name, so that a replay to named rules can find
 * it among CloudFormation-named rules (ListRules returns descriptions).
 *
 * @example ruleDescription('ledger', 'TransactionRecordedToLedger', 'to the ledger queue')
 */
function ruleDescription(service: string, rule: string, what: string): string {
  return `txnflow rule ${rule} of ${service}: ${what}`;
}

/**
 * The manifest rule name a rule's description carries, if it is a txnflow rule.
 *
 * @example manifestRuleOf('txnflow rule HighBalanceToAlerting of alerting: ...') // 'HighBalanceToAlerting'
 */
function manifestRuleOf(description: string | undefined): string | undefined {
  return description ? RULE_DESCRIPTION.exec(description)?.[1] : undefined;
}

export {
  archiveName,
  busName,
  dashboardName,
  manifestRuleOf,
  opsTopicName,
  registryName,
  ruleDescription,
  SERVICE_TAG,
  STAGE_PATTERN,
  serviceRolePath,
  stackName,
};
