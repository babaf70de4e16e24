import { ContractError } from '../errors.ts';

/**
 * The environment contract between the CDK stacks, which set these variables from a
 * service manifest, and the Lambda entries, which read them once at cold start.
 */
const LambdaEnv = {
  /** The txnflow bus of the stage: `txnflow-dev`. */
  eventBusName: 'EVENT_BUS_NAME',
  /** Where the function's handler dead-letters events that fail their contract. */
  deadLetterQueueUrl: 'DEAD_LETTER_QUEUE_URL',
} as const;

const constantCase = (name: string): string =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();

/**
 * The variable carrying a manifest table's physical name.
 *
 * @example tableEnvName('TransactionTotal') // 'TRANSACTION_TOTAL_TABLE_NAME'
 */
function tableEnvName(table: string): string {
  return `${constantCase(table)}_TABLE_NAME`;
}

/**
 * The variable carrying a manifest queue's URL.
 *
 * @example queueEnvName('CustomerNotify') // 'CUSTOMER_NOTIFY_QUEUE_URL'
 */
function queueEnvName(queue: string): string {
  return `${constantCase(queue)}_QUEUE_URL`;
}

/**
 * The variable carrying a manifest topic's ARN.
 *
 * @example topicEnvName('HighBalanceAlert') // 'HIGH_BALANCE_ALERT_TOPIC_ARN'
 */
function topicEnvName(topic: string): string {
  return `${constantCase(topic)}_TOPIC_ARN`;
}

/**
 * The variable carrying a manifest bucket's physical name.
 *
 * @example bucketEnvName('Uploads') // 'UPLOADS_BUCKET_NAME'
 */
function bucketEnvName(bucket: string): string {
  return `${constantCase(bucket)}_BUCKET_NAME`;
}

/** Variables a Lambda entry needs are missing or empty: a deployment bug, named. */
class MissingEnvironmentError extends ContractError {
  readonly missing: readonly string[];

  constructor(missing: readonly string[]) {
    super(`missing environment variable(s): ${missing.join(', ')}`);
    this.name = 'MissingEnvironmentError';
    this.missing = missing;
  }
}

/**
 * Reads the named variables, all or nothing, so a cold start fails on the first invocation
 * with every missing name rather than later with an undefined table name. Values come back
 * in the order of the names.
 *
 * @example const [busName, queueUrl] = readEnvironment(process.env, [LambdaEnv.eventBusName, LambdaEnv.deadLetterQueueUrl]);
 * @throws {MissingEnvironmentError} listing each variable that is unset or empty.
 */
function readEnvironment<const T extends readonly string[]>(
  env: Readonly<Record<string, string | undefined>>,
  names: T,
): { readonly [K in keyof T]: string } {
  const missing = names.filter((name) => !env[name]);
  if (missing.length > 0) throw new MissingEnvironmentError(missing);
  return names.map((name) => env[name] ?? '') as { readonly [K in keyof T]: string };
}

export {
  bucketEnvName,
  LambdaEnv,
  MissingEnvironmentError,
  queueEnvName,
  readEnvironment,
  tableEnvName,
  topicEnvName,
};
