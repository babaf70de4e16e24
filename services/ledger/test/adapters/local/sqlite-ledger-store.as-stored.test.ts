import { localTableName } from '@txnflow/contracts';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../../src/adapters/local/sqlite-ledger-store.ts';

/** A ledger table holding the given stored values, as any build may have left them. */
function ledgerWith(rows: [string, bigint | number][]): SqliteLedgerStore {
  const db = new Database(':memory:');
  const store = new SqliteLedgerStore(db);
  const insert = db.prepare(
    `INSERT INTO ${localTableName('ledger', 'TransactionTotal')} VALUES (?, ?, 1)`,
  );
  for (const [customerId, cents] of rows) insert.run(customerId, cents);
  return store;
}

describe('Class: SqliteLedgerStore > Method: listBalancesAsStored', () => {
  it('lists every balance by customer as a 2-decimal string', () => {
    const store = ledgerWith([
      ['C2', 175_000],
      ['C1', -2_550],
    ]);

    expect(store.listBalancesAsStored()).toEqual([
      { customerId: 'C1', balance: '-25.50' },
      { customerId: 'C2', balance: '1750.00' },
    ]);
  });

  it('shows values beyond 2^53 cents exactly, as stored, whether 64-bit integers or not', () => {
    const store = ledgerWith([
      ['C1', 9_007_199_254_740_993n],
      ['C2', -9_223_372_036_854_775_808n],
      ['C3', 1e20],
      ['C4', 0.5],
    ]);

    expect(store.listBalancesAsStored()).toEqual([
      { customerId: 'C1', balance: '90071992547409.93' },
      { customerId: 'C2', balance: '-92233720368547758.08' },
      { customerId: 'C3', balance: '1000000000000000000.00' },
      { customerId: 'C4', balance: '0.5 cents (not a whole number of cents)' },
    ]);
  });
});
