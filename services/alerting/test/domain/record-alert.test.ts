import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteAlertStore } from '../../src/adapters/local/sqlite-alert-store.ts';
import { recordAlert } from '../../src/domain/record-alert.ts';
import { highBalanceDetected, RecordingNotifier } from '../support/factories.ts';

describe('Function: recordAlert', () => {
  let store: SqliteAlertStore;
  let notifier: RecordingNotifier;

  beforeEach(() => {
    store = new SqliteAlertStore(new Database(':memory:'));
    notifier = new RecordingNotifier();
  });

  it('records the alert and emails the customer with the balance and the threshold, naming the email sent', async () => {
    const outcome = await recordAlert(highBalanceDetected(), { store, notifier });

    expect(outcome).toEqual({ kind: 'recorded', emailed: true, emailMessageId: 'm-1' });
    expect(notifier.sent).toHaveLength(1);
    expect(notifier.sent[0]?.subject).toBe('Warning! Account balance is very high');
    expect(notifier.sent[0]?.body).toContain('Dear customer C2,');
    expect(notifier.sent[0]?.body).toContain('is now 1750.00, at or above the limit of 1500.00');
    expect(await store.find('C2:T2012')).toMatchObject({
      customerId: 'C2',
      balanceCents: 175_000,
      notified: true,
    });
  });

  it('emails once however often the same alert is delivered', async () => {
    const event = highBalanceDetected();

    await recordAlert(event, { store, notifier });
    const again = await recordAlert(event, { store, notifier });

    expect(again).toEqual({ kind: 'duplicate', emailed: false });
    expect(notifier.sent).toHaveLength(1);
  });

  it('emails on a redelivery after the claim of a failed first attempt expires', async () => {
    notifier.failuresLeft = 1;

    const t0 = new Date('2026-11-20T09:00:00Z');
    const at = (seconds: number) => () => new Date(t0.getTime() + seconds * 1000);

    await expect(
      recordAlert(highBalanceDetected(), { store, notifier, clock: at(0) }),
    ).rejects.toThrow('SNS unavailable');
    const withinLease = await recordAlert(highBalanceDetected(), {
      store,
      notifier,
      clock: at(10),
    });
    const retry = await recordAlert(highBalanceDetected(), { store, notifier, clock: at(61) });

    expect(withinLease).toEqual({ kind: 'duplicate', emailed: false });
    expect(retry).toEqual({ kind: 'duplicate', emailed: true, emailMessageId: 'm-1' });
    expect(notifier.sent).toHaveLength(1);
  });

  it('emails once when duplicate deliveries of one alert run concurrently', async () => {
    const event = highBalanceDetected();

    const outcomes = await Promise.all(
      [1, 2, 3].map(() => recordAlert(event, { store, notifier })),
    );

    expect(outcomes.filter((o) => o.emailed)).toHaveLength(1);
    expect(notifier.sent).toHaveLength(1);
  });

  it('treats two crossings of the same customer as two alerts', async () => {
    await recordAlert(highBalanceDetected(), { store, notifier });
    await recordAlert(
      highBalanceDetected({
        alertId: 'C2:T2020',
        transaction: { transactionId: 'T2020', amount: '200.00', transactionDate: '2023-03-09' },
      }),
      { store, notifier },
    );

    expect(notifier.sent).toHaveLength(2);
    expect(await store.listAlerts()).toHaveLength(2);
  });
});
