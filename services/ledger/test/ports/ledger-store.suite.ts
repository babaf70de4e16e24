import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerStore } from '../../src/ports.ts';
import { ledgerEntry } from '../support/factories.ts';

/**
 * The LedgerStore port's one test suite. Every adapter (SQLite locally, DynamoDB on AWS)
 * runs it, which is how we know the local runtime and AWS agree.
 */
function describeLedgerStore(adapter: string, makeStore: () => Promise<LedgerStore>): void {
  describe(`Port: LedgerStore (${adapter})`, () => {
    let store: LedgerStore;
    // Creates fresh tables; on DynamoDB Local that is a few requests to a JVM.
    beforeEach(async () => {
      store = await makeStore();
    }, 60_000);

    it('starts a customer never seen at balance 0, version 0, with no entry', async () => {
      const loaded = await store.load('C404', 'T1');

      expect(loaded).toEqual({
        balance: { customerId: 'C404', cents: 0, version: 0 },
        entry: undefined,
      });
    });

    it('applies a new entry and sets the balance atomically', async () => {
      const entry = ledgerEntry({ amountCents: 12_540, balanceAfterCents: 12_540 });

      const result = await store.apply(entry, 0);

      expect(result).toBe('applied');
      expect(await store.load('C1', 'T1')).toEqual({
        balance: { customerId: 'C1', cents: 12_540, version: 1 },
        entry,
      });
    });

    it('refuses the same transaction twice as a duplicate, leaving the balance alone', async () => {
      await store.apply(ledgerEntry(), 0);

      const again = await store.apply(ledgerEntry({ balanceAfterCents: 20_000 }), 1);

      expect(again).toBe('duplicate');
      expect((await store.load('C1', 'T1')).balance.cents).toBe(10_000);
    });

    it('refuses a write based on a stale balance version and records nothing', async () => {
      await store.apply(ledgerEntry(), 0);

      const stale = await store.apply(
        ledgerEntry({ transactionId: 'T2', balanceBeforeCents: 0, balanceAfterCents: 5_000 }),
        0,
      );

      expect(stale).toBe('stale-balance');
      const loaded = await store.load('C1', 'T2');
      expect(loaded.entry).toBeUndefined();
      expect(loaded.balance).toEqual({ customerId: 'C1', cents: 10_000, version: 1 });
    });

    it('applies entries in order, a later one expecting the version an earlier one set', async () => {
      const results = await store.applyInOrder([
        { entry: ledgerEntry({ transactionId: 'T1', balanceAfterCents: 100 }), expectedVersion: 0 },
        { entry: ledgerEntry({ transactionId: 'T2', balanceAfterCents: 300 }), expectedVersion: 1 },
        { entry: ledgerEntry({ transactionId: 'T2', balanceAfterCents: 900 }), expectedVersion: 2 },
        { entry: ledgerEntry({ transactionId: 'T3', balanceAfterCents: 700 }), expectedVersion: 1 },
      ]);

      expect(results).toEqual(['applied', 'applied', 'duplicate', 'stale-balance']);
      expect((await store.load('C1', 'T3')).balance).toEqual({
        customerId: 'C1',
        cents: 300,
        version: 2,
      });
      expect((await store.load('C1', 'T3')).entry).toBeUndefined();
    });

    it('keeps negative balances after refunds', async () => {
      await store.apply(ledgerEntry({ amountCents: -2_500, balanceAfterCents: -2_500 }), 0);

      expect((await store.load('C1', 'T9')).balance.cents).toBe(-2_500);
    });

    it('marks a crossing entry as alert-published', async () => {
      await store.apply(ledgerEntry({ crossedThreshold: true }), 0);

      await store.markAlertPublished('C1', 'T1');

      expect((await store.load('C1', 'T1')).entry).toMatchObject({
        crossedThreshold: true,
        alertPublished: true,
      });
    });

    it('lists every balance', async () => {
      await store.apply(ledgerEntry({ customerId: 'C2', balanceAfterCents: 175_000 }), 0);
      await store.apply(ledgerEntry({ customerId: 'C1', balanceAfterCents: 100 }), 0);

      const balances = await store.listBalances();

      expect(balances.sort((a, b) => a.customerId.localeCompare(b.customerId))).toEqual([
        { customerId: 'C1', cents: 100, version: 1 },
        { customerId: 'C2', cents: 175_000, version: 1 },
      ]);
    });
  });
}

export { describeLedgerStore };
