import { InvalidMoneyError, parseMoney } from '@txnflow/contracts';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { Node } from 'constructs';
import { STAGE_PATTERN } from './names.ts';

/** Deployment settings, from CDK context (`cdk.json` or `-c key=value`). */
interface TxnflowConfig {
  /** `txnflow:stage`, default `dev`: in the bus, archive and stack names. */
  readonly stage: string;
  /** `txnflow:archiveRetentionDays`, default 365. */
  readonly archiveRetentionDays: number;
  /** `txnflow:highBalanceThreshold`, default 1500.00: the ledger's HIGH_BALANCE_THRESHOLD. */
  readonly highBalanceThreshold: string;
  /** `txnflow:alertEmail`: the alert email address; without it the stack takes a parameter. */
  readonly alertEmail: string | undefined;
  /** `txnflow:logRetentionDays`, default 30; one of the periods CloudWatch Logs offers. */
  readonly logRetention: RetentionDays;
  /**
   * `txnflow:opsEmail`: addresses (comma-separated) subscribed to the operations topic that
   * every alarm notifies; none by default (subscribe any endpoint to the topic later).
   */
  readonly opsEmails: readonly string[];
}

/** A context value that cannot be used, named with what was expected. */
class TxnflowConfigError extends Error {
  readonly key: string;

  constructor(key: string, message: string, options?: ErrorOptions) {
    super(`context ${key}: ${message}`, options);
    this.name = 'TxnflowConfigError';
    this.key = key;
  }
}

const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;

function text(node: Node, key: string): string | undefined {
  const value: unknown = node.tryGetContext(key);
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

function positiveInteger(node: Node, key: string, fallback: number): number {
  const raw = text(node, key);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) {
    throw new TxnflowConfigError(key, `expected a whole number of days, got "${raw}"`);
  }
  return value;
}

const RETENTION_PERIODS: readonly number[] = Object.values(RetentionDays).filter(
  (value): value is number => typeof value === 'number' && value > 0,
);

function logRetention(node: Node): RetentionDays {
  const days = positiveInteger(node, 'txnflow:logRetentionDays', RetentionDays.ONE_MONTH);
  const period = Object.values(RetentionDays).find((value) => value === days);
  if (typeof period !== 'number') {
    throw new TxnflowConfigError(
      'txnflow:logRetentionDays',
      `CloudWatch Logs keeps logs for one of ${RETENTION_PERIODS.join(', ')} days, not ${days}`,
    );
  }
  return period;
}

function emails(node: Node, key: string): string[] {
  const raw = text(node, key);
  if (raw === undefined) return [];
  const addresses = raw.split(',').map((address) => address.trim());
  const bad = addresses.find((address) => !EMAIL.test(address));
  if (bad !== undefined) throw new TxnflowConfigError(key, `"${bad}" is not an email address`);
  return addresses;
}

/**
 * Reads and validates the app's context once, at the edge of the CDK app.
 *
 * @example const config = readTxnflowConfig(app.node);
 * @throws {TxnflowConfigError} naming the key and its bad value.
 */
function readTxnflowConfig(node: Node): TxnflowConfig {
  const stage = text(node, 'txnflow:stage') ?? 'dev';
  if (!STAGE_PATTERN.test(stage)) {
    throw new TxnflowConfigError(
      'txnflow:stage',
      `"${stage}" must be lower-case letters, digits and dashes, starting with a letter, at most 20`,
    );
  }
  const highBalanceThreshold = text(node, 'txnflow:highBalanceThreshold') ?? '1500.00';
  try {
    parseMoney(highBalanceThreshold);
  } catch (error) {
    if (!(error instanceof InvalidMoneyError)) throw error;
    throw new TxnflowConfigError('txnflow:highBalanceThreshold', error.message, { cause: error });
  }
  const alertEmail = text(node, 'txnflow:alertEmail');
  if (alertEmail !== undefined && !EMAIL.test(alertEmail)) {
    throw new TxnflowConfigError('txnflow:alertEmail', `"${alertEmail}" is not an email address`);
  }
  return {
    stage,
    archiveRetentionDays: positiveInteger(node, 'txnflow:archiveRetentionDays', 365),
    highBalanceThreshold,
    alertEmail,
    logRetention: logRetention(node),
    opsEmails: emails(node, 'txnflow:opsEmail'),
  };
}

export type { TxnflowConfig };
export { readTxnflowConfig, TxnflowConfigError };
