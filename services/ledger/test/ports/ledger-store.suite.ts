import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerStore } from '../../src/ports.ts';
import { chainOf, ledgerEntry } from '../support/factories.ts';

/**
 * The LedgerStore port's one test suite. Every adapter (SQLite locally, DynamoDB on AWS)
 * runs it, which is how we know the local runtime and AWS agree.
 */
function describeLedgerStore(adapter: string, makeStore: () => Promise<LedgerStore>): void {
  describe(`Port: LedgerStore (${adapter})`, () => {
    let store: LedgerStore;
    const balanceOf = async (customerId: string) =>
      (await store.read([{ customerId, transactionIds: [] }])).get(customerId)?.balance;

    beforeEach(async () => {
      store = await makeStore();
    }, 60_000);

    it('reads a customer never seen at balance 0, version 0, with nothing applied', async () => {
      const read = await store.read([{ customerId: 'C404', transactionIds: ['T1'] }]);

      expect(read.get('C404')).toEqual({
        balance: { customerId: 'C404', cents: 0, version: 0 },
        applied: new Map(),
      });
    });

    it('commits a chain of entries with the balance: one version per entry', async () => {
      const entries = chainOf('C1', [12_540, -2_540, 500]);

      const results = await store.commit([{ customerId: 'C1', expectedVersion: 0, entries }]);

      expect(results).toEqual([{ status: 'committed' }]);
      expect(await balanceOf('C1')).toEqual({ customerId: 'C1', cents: 10_500, version: 3 });
      expect(await store.listEntries('C1')).toEqual(entries);
    });

    it('reads back which of the asked transactions were applied, and only those', async () => {
      const entries = chainOf('C1', [100, 200]);
      await store.commit([{ customerId: 'C1', expectedVersion: 0, entries }]);

      const read = await store.read([{ customerId: 'C1', transactionIds: ['T2', 'T9'] }]);

      expect([...(read.get('C1')?.applied ?? new Map()).entries()]).toEqual([['T2', entries[1]]]);
      expect(read.get('C1')?.balance).toEqual({ customerId: 'C1', cents: 300, version: 2 });
    });

    it('extends a chain on the version it read', async () => {
      await store.commit([{ customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [100]) }]);
      const more = chainOf('C1', [200, 300], { from: { cents: 100, version: 1 }, firstId: 2 });

      const results = await store.commit([{ customerId: 'C1', expectedVersion: 1, entries: more }]);

      expect(results).toEqual([{ status: 'committed' }]);
      expect(await balanceOf('C1')).toEqual({ customerId: 'C1', cents: 600, version: 3 });
      expect((await store.listEntries('C1')).map((e) => e.version)).toEqual([1, 2, 3]);
    });

    it('refuses a whole commit whose balance moved since it was read, and writes none of it', async () => {
      await store.commit([{ customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [100]) }]);
      const stale = chainOf('C1', [5_000, 7_000], { firstId: 2 });

      const results = await store.commit([
        { customerId: 'C1', expectedVersion: 0, entries: stale },
      ]);

      expect(results).toEqual([{ status: 'conflict', committedEntries: 0 }]);
      expect(await balanceOf('C1')).toEqual({ customerId: 'C1', cents: 100, version: 1 });
      expect((await store.listEntries('C1')).map((e) => e.transactionId)).toEqual(['T1']);
    });

    it('refuses a whole commit holding an entry that exists already, leaving the balance alone', async () => {
      await store.commit([{ customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [100]) }]);
      const withRepeat = chainOf('C1', [900, 100], {
        from: { cents: 100, version: 1 },
        firstId: 2,
      });
      const repeated = [withRepeat[0]!, { ...withRepeat[1]!, transactionId: 'T1' }];

      const results = await store.commit([
        { customerId: 'C1', expectedVersion: 1, entries: repeated },
      ]);

      expect(results).toEqual([{ status: 'conflict', committedEntries: 0 }]);
      expect(await balanceOf('C1')).toEqual({ customerId: 'C1', cents: 100, version: 1 });
      expect((await store.listEntries('C1')).map((e) => e.transactionId)).toEqual(['T1']);
    });

    it("commits each customer on its own: one customer's conflict leaves the others' writes be", async () => {
      await store.commit([{ customerId: 'C2', expectedVersion: 0, entries: chainOf('C2', [1]) }]);

      const results = await store.commit([
        { customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [100, 200]) },
        { customerId: 'C2', expectedVersion: 0, entries: chainOf('C2', [5], { firstId: 2 }) },
        { customerId: 'C3', expectedVersion: 0, entries: chainOf('C3', [-300]) },
      ]);

      expect(results).toEqual([
        { status: 'committed' },
        { status: 'conflict', committedEntries: 0 },
        { status: 'committed' },
      ]);
      expect(await store.listBalances()).toEqual([
        { customerId: 'C1', cents: 300, version: 2 },
        { customerId: 'C2', cents: 1, version: 1 },
        { customerId: 'C3', cents: -300, version: 1 },
      ]);
    });

    it('commits a chain longer than one DynamoDB transaction holds', async () => {
      const amounts = Array.from({ length: 250 }, (_v, i) => (i % 7) * 100 - 200);
      const entries = chainOf('C1', amounts);

      const results = await store.commit([{ customerId: 'C1', expectedVersion: 0, entries }]);

      expect(results).toEqual([{ status: 'committed' }]);
      const sum = amounts.reduce((a, b) => a + b, 0);
      expect(await balanceOf('C1')).toEqual({ customerId: 'C1', cents: sum, version: 250 });
      expect(await store.listEntries('C1')).toEqual(entries);
    });

    it('marks a crossing entry as alert-published', async () => {
      await store.commit([
        {
          customerId: 'C1',
          expectedVersion: 0,
          entries: [ledgerEntry({ balanceAfterCents: 150_000, crossedThreshold: true })],
        },
      ]);

      await store.markAlertPublished('C1', 'T1');

      expect(await store.listEntries('C1')).toMatchObject([
        { crossedThreshold: true, alertPublished: true },
      ]);
    });

    it('marks nothing, and creates nothing, for an entry that does not exist', async () => {
      await store.markAlertPublished('C1', 'T404');

      expect(await store.listEntries('C1')).toEqual([]);
    });

    it('lists every balance by customer id', async () => {
      await store.commit([
        { customerId: 'C2', expectedVersion: 0, entries: chainOf('C2', [175_000]) },
        { customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [100]) },
      ]);

      expect(await store.listBalances()).toEqual([
        { customerId: 'C1', cents: 100, version: 1 },
        { customerId: 'C2', cents: 175_000, version: 1 },
      ]);
    });
  });
}

export { describeLedgerStore };
