import { beforeEach, describe, expect, it } from 'vitest';
import type { IngestQueries, IngestStore } from '../../src/ports.ts';
import { row } from '../support/fakes.ts';

type Store = IngestStore & IngestQueries;

/** The IngestQueries port's one test suite, run against every adapter (SQLite, DynamoDB). */
function describeIngestQueries(adapter: string, makeStore: () => Promise<Store>): void {
  describe(`Port: IngestQueries (${adapter})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    }, 60_000);

    it('lists customers in id order, a page at a time, the last page without a next key', async () => {
      await store.putCustomers(
        ['C3', 'C1', 'C4', 'C2', 'C5'].map((customerId, i) => ({
          customerId,
          address: `${customerId} Street`,
          line: i + 2,
        })),
        'upload-1',
      );

      const first = await store.customersPage({ limit: 2 });
      const second = await store.customersPage({ after: first.next, limit: 2 });
      const last = await store.customersPage({ after: second.next, limit: 2 });

      expect(first).toEqual({
        items: [
          { customerId: 'C1', address: 'C1 Street' },
          { customerId: 'C2', address: 'C2 Street' },
        ],
        next: 'C2',
      });
      expect(second.items.map((c) => c.customerId)).toEqual(['C3', 'C4']);
      expect(last).toEqual({ items: [{ customerId: 'C5', address: 'C5 Street' }] });
    });

    it('says no next page when a page ends exactly at the last customer', async () => {
      await store.putCustomers(
        [
          { customerId: 'C1', address: 'a', line: 2 },
          { customerId: 'C2', address: 'b', line: 3 },
        ],
        'upload-1',
      );

      expect(await store.customersPage({ limit: 2 })).toEqual({
        items: [
          { customerId: 'C1', address: 'a' },
          { customerId: 'C2', address: 'b' },
        ],
      });
    });

    it('finds one customer, and nothing for an unknown id', async () => {
      await store.putCustomers([{ customerId: 'C1', address: 'Old', line: 2 }], 'upload-1');
      await store.putCustomers([{ customerId: 'C1', address: 'New', line: 2 }], 'upload-2');

      expect(await store.findCustomer('C1')).toEqual({ customerId: 'C1', address: 'New' });
      expect(await store.findCustomer('C9')).toBeUndefined();
    });

    it("pages through one customer's transactions in transaction id order, no other customer's", async () => {
      await store.recordBatch(
        [
          row({ transactionId: 'T3', amountCents: 300, line: 2 }),
          row({ customerId: 'C2', transactionId: 'T1', line: 3 }),
          row({ transactionId: 'T1', amountCents: -100, line: 4 }),
          row({ transactionId: 'T2', amountCents: 200, line: 5 }),
        ],
        'upload-1',
      );

      const first = await store.transactionsPage('C1', { limit: 2 });
      const rest = await store.transactionsPage('C1', { after: first.next, limit: 2 });

      expect(first).toEqual({
        items: [
          {
            customerId: 'C1',
            transactionId: 'T1',
            transactionDate: '2023-03-01',
            amountCents: -100,
          },
          {
            customerId: 'C1',
            transactionId: 'T2',
            transactionDate: '2023-03-01',
            amountCents: 200,
          },
        ],
        next: 'T2',
      });
      expect(rest).toEqual({
        items: [
          {
            customerId: 'C1',
            transactionId: 'T3',
            transactionDate: '2023-03-01',
            amountCents: 300,
          },
        ],
      });
      expect(await store.transactionsPage('C9', { limit: 2 })).toEqual({ items: [] });
    });
  });
}

export { describeIngestQueries };
