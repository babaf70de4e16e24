import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertStore } from '../../src/ports.ts';
import { alert } from '../support/factories.ts';

/** The AlertStore port's one test suite, run against every adapter (SQLite, DynamoDB). */
function describeAlertStore(adapter: string, makeStore: () => Promise<AlertStore>): void {
  describe(`Port: AlertStore (${adapter})`, () => {
    let store: AlertStore;
    beforeEach(async () => {
      store = await makeStore();
    });

    it('records a new alert and finds it by id', async () => {
      expect(await store.record(alert())).toBe('recorded');

      expect(await store.find('C2:T2012')).toEqual(alert());
      expect(await store.find('nope')).toBeUndefined();
    });

    it('calls a known alert id a duplicate and keeps the first', async () => {
      await store.record(alert());

      expect(await store.record(alert({ balanceCents: 1 }))).toBe('duplicate');
      expect((await store.find('C2:T2012'))?.balanceCents).toBe(175_000);
    });

    it('marks an alert notified', async () => {
      await store.record(alert());

      await store.markNotified('C2:T2012');

      expect((await store.find('C2:T2012'))?.notified).toBe(true);
    });

    it('lists every alert', async () => {
      await store.record(alert({ alertId: 'C1:T1', customerId: 'C1' }));
      await store.record(alert());

      expect((await store.listAlerts()).map((a) => a.alertId).sort()).toEqual([
        'C1:T1',
        'C2:T2012',
      ]);
    });
  });
}

export { describeAlertStore };
