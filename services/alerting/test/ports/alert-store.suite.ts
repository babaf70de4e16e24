import { beforeEach, describe, expect, it } from 'vitest';
import type { AlertStore } from '../../src/ports.ts';
import { alert } from '../support/factories.ts';

/** The AlertStore port's one test suite, run against every adapter (SQLite, DynamoDB). */
function describeAlertStore(adapter: string, makeStore: () => Promise<AlertStore>): void {
  describe(`Port: AlertStore (${adapter})`, () => {
    let store: AlertStore;
    // Creates fresh tables; on DynamoDB Local that is a few requests to a JVM.
    beforeEach(async () => {
      store = await makeStore();
    }, 60_000);

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

    it('grants the email claim to one caller at a time, again after the lease, never once notified', async () => {
      await store.record(alert());
      const t0 = new Date('2026-11-20T09:00:00Z');
      const later = (seconds: number) => new Date(t0.getTime() + seconds * 1000);

      const first = await store.claimEmail('C2:T2012', t0, 60);
      const concurrent = await store.claimEmail('C2:T2012', later(5), 60);
      const afterLease = await store.claimEmail('C2:T2012', later(61), 60);
      await store.markNotified('C2:T2012');
      const afterNotified = await store.claimEmail('C2:T2012', later(500), 60);

      expect([first, concurrent, afterLease, afterNotified]).toEqual([true, false, true, false]);
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
