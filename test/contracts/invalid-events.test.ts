import { assertValidDetail, ContractValidationError, validateDetail } from '@txnflow/contracts';
import { describe, expect, it } from 'vitest';
import { highBalanceDetected, transactionRecorded } from './factories.ts';

function issuesOf(detailType: string, detail: unknown) {
  const result = validateDetail(detailType, detail);
  if (result.ok) throw new Error('expected the detail to be rejected');
  return result.issues;
}

describe('Function: validateDetail', () => {
  it('names the path of a missing field', () => {
    const detail = transactionRecorded();
    delete (detail.data as Partial<typeof detail.data>).customerId;

    expect(issuesOf('TransactionRecorded', detail)).toEqual([
      { path: '/data/customerId', message: 'is required' },
    ]);
  });

  it('names the path of a field of the wrong type', () => {
    const detail = transactionRecorded();
    (detail.data.source as { line: unknown }).line = '14';

    expect(issuesOf('TransactionRecorded', detail)).toEqual([
      { path: '/data/source/line', message: 'must be integer' },
    ]);
  });

  it('rejects an amount with 3 decimals, naming the amount', () => {
    const detail = transactionRecorded({ amount: '12.345' });

    const issues = issuesOf('TransactionRecorded', detail);

    expect(issues).toHaveLength(1);
    expect(issues[0]?.path).toBe('/data/amount');
    expect(issues[0]?.message).toContain('"12.345"');
  });

  it('rejects an amount sent as a JSON number rather than a decimal string', () => {
    const detail = transactionRecorded({ amount: 1750 as unknown as string });

    expect(issuesOf('TransactionRecorded', detail)).toEqual([
      { path: '/data/amount', message: 'must be string' },
    ]);
  });

  it('rejects an unknown event version, naming the version field', () => {
    const detail = highBalanceDetected();
    (detail.metadata as { schemaVersion: string }).schemaVersion = '2';

    expect(issuesOf('HighBalanceDetected', detail)).toEqual([
      {
        path: '/metadata/schemaVersion',
        message: 'unknown schema version "2" of HighBalanceDetected (known: 1)',
      },
    ]);
  });

  it('rejects a date that is not on the calendar', () => {
    const detail = transactionRecorded({ transactionDate: '2023-02-30' });

    expect(issuesOf('TransactionRecorded', detail).map((i) => i.path)).toEqual([
      '/data/transactionDate',
    ]);
  });

  it('lists every failing path at once, not only the first', () => {
    const detail = highBalanceDetected();
    (detail.data as { balance: string }).balance = '1,750.00';
    delete (detail.metadata as { occurredAt?: string }).occurredAt;
    (detail.data as unknown as Record<string, unknown>).note = 'extra';

    expect(
      issuesOf('HighBalanceDetected', detail)
        .map((i) => i.path)
        .sort(),
    ).toEqual(['/data/balance', '/data/note', '/metadata/occurredAt']);
  });

  it('rejects an unknown detail-type', () => {
    expect(issuesOf('AccountClosed', transactionRecorded())).toEqual([
      { path: '', message: 'unknown detail-type "AccountClosed"' },
    ]);
  });
});

describe('Function: assertValidDetail', () => {
  it('throws a ContractValidationError that lists the failing paths', () => {
    const detail = transactionRecorded({ amount: '1.001' });

    expect(() => assertValidDetail('TransactionRecorded', detail)).toThrowError(
      ContractValidationError,
    );
    expect(() => assertValidDetail('TransactionRecorded', detail)).toThrowError(/\/data\/amount/);
  });

  it('returns the typed detail when it is valid', () => {
    const detail = transactionRecorded({ amount: '-25.00' });

    expect(assertValidDetail('TransactionRecorded', detail).data.amount).toBe('-25.00');
  });
});
