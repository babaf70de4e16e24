import { describe, expect, it } from 'vitest';
import {
  MissingEnvironmentError,
  queueEnvName,
  readEnvironment,
  tableEnvName,
  topicEnvName,
} from '../../src/adapters/lambda-environment.ts';

describe('Function: tableEnvName, queueEnvName, topicEnvName', () => {
  it('names the variables after the manifest names, in constant case', () => {
    expect(tableEnvName('TransactionTotal')).toBe('TRANSACTION_TOTAL_TABLE_NAME');
    expect(tableEnvName('Customer')).toBe('CUSTOMER_TABLE_NAME');
    expect(queueEnvName('CreditCollection')).toBe('CREDIT_COLLECTION_QUEUE_URL');
    expect(topicEnvName('HighBalanceAlert')).toBe('HIGH_BALANCE_ALERT_TOPIC_ARN');
  });
});

describe('Function: readEnvironment', () => {
  it('returns every named variable, in the order asked', () => {
    const env = { A_TABLE_NAME: 'a', EVENT_BUS_NAME: 'txnflow-dev', OTHER: 'x' };

    expect(readEnvironment(env, ['EVENT_BUS_NAME', 'A_TABLE_NAME'])).toEqual(['txnflow-dev', 'a']);
  });

  it('names every variable that is unset or empty', () => {
    const reading = () => readEnvironment({ B: '' }, ['A', 'B']);

    expect(reading).toThrowError(MissingEnvironmentError);
    expect(reading).toThrowError('missing environment variable(s): A, B');
  });
});
