import { beforeEach, describe, expect, it } from 'vitest';
import type { LedgerQueries, LedgerStore } from '../../src/ports.ts';
import { chainOf } from '../support/factories.ts';

type Store = LedgerStore & LedgerQueries;

/** The LedgerQueries port's one test suite, run against every adapter (SQLite, DynamoDB). */
function describeLedgerQueries(adapter: string, makeStore: () => Promise<Store>): void {
  describe(`Port: LedgerQueries (${adapter})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    }, 60_000);

    it('lists balances in customer id order, a page at a time', async () => {
      await store.commit(
        ['C3', 'C1', 'C2'].map((customerId, i) => ({
          customerId,
          expectedVersion: 0,
          entries: chainOf(customerId, [100 * (i + 1)]),
        })),
      );

      const first = await store.balancesPage({ limit: 2 });
      const rest = await store.balancesPage({ after: first.next, limit: 2 });

      expect(first).toEqual({
        items: [
          { customerId: 'C1', cents: 200, version: 1 },
          { customerId: 'C2', cents: 300, version: 1 },
        ],
        next: 'C2',
      });
      expect(rest).toEqual({ items: [{ customerId: 'C3', cents: 100, version: 1 }] });
    });

    it('finds one balance as its last commit left it, and nothing for a customer never seen', async () => {
      await store.commit([{ customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [500]) }]);
      await store.commit([
        {
          customerId: 'C1',
          expectedVersion: 1,
          entries: chainOf('C1', [-200], { from: { cents: 500, version: 1 }, firstId: 2 }),
        },
      ]);

      expect(await store.findBalance('C1')).toEqual({ customerId: 'C1', cents: 300, version: 2 });
      expect(await store.findBalance('C9')).toBeUndefined();
    });

    it("pages through a customer's entries in transaction id order, each with its chain version", async () => {
      // T1..T12: "T10" sorts before "T2", as the table's sort key does.
      const entries = chainOf('C1', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
      await store.commit([{ customerId: 'C1', expectedVersion: 0, entries }]);
      await store.commit([{ customerId: 'C2', expectedVersion: 0, entries: chainOf('C2', [9]) }]);

      const pages = [];
      let after: string | undefined;
      do {
        const page = await store.entriesPage('C1', { after, limit: 5 });
        pages.push(page.items.map((e) => `${e.transactionId}@${e.version}`));
        after = page.next;
      } while (after !== undefined);

      expect(pages).toEqual([
        ['T1@1', 'T10@10', 'T11@11', 'T12@12', 'T2@2'],
        ['T3@3', 'T4@4', 'T5@5', 'T6@6', 'T7@7'],
        ['T8@8', 'T9@9'],
      ]);
      expect((await store.entriesPage('C1', { limit: 1 })).items).toEqual([entries[0]]);
    });
  });
}

export { describeLedgerQueries };
