import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertQueries, AlertStore } from '../../src/ports.ts';
import { alert } from '../support/factories.ts';

type Store = AlertStore & AlertQueries;

/** The AlertQueries port's one test suite, run against every adapter (SQLite, DynamoDB). */
function describeAlertQueries(adapter: string, makeStore: () => Promise<Store>): void {
  describe(`Port: AlertQueries (${adapter})`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    }, 60_000);

    it('lists alerts in the order they were detected, a page at a time', async () => {
      const detected = [
        alert({ alertId: 'C3:T1', customerId: 'C3', detectedAt: '2026-11-03T10:00:00.000Z' }),
        alert({ alertId: 'C1:T9', customerId: 'C1', detectedAt: '2026-11-01T10:00:00.000Z' }),
        alert({ alertId: 'C2:T1', customerId: 'C2', detectedAt: '2026-11-03T10:00:00.000Z' }),
      ];
      for (const a of detected) await store.record(a);

      const first = await store.alertsPage({ limit: 2 });
      const rest = await store.alertsPage({ after: first.next, limit: 2 });

      expect(first.items.map((a) => a.alertId)).toEqual(['C1:T9', 'C2:T1']);
      expect(first.next).toBe('2026-11-03T10:00:00.000Z C2:T1');
      expect(rest).toEqual({ items: [detected[0]] });
    });

    it('lists nothing, and no next page, before any alert', async () => {
      expect(await store.alertsPage({ limit: 10 })).toEqual({ items: [] });
    });
  });
}

export { describeAlertQueries };
