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

  it('records the alert and emails the customer with the balance and the threshold', async () => {
    const outcome = await recordAlert(highBalanceDetected(), { store, notifier });

    expect(outcome).toEqual({ kind: 'recorded', emailed: true });
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

  it('emails on redelivery when the first email failed after the alert was recorded', async () => {
    notifier.failuresLeft = 1;

    await expect(recordAlert(highBalanceDetected(), { store, notifier })).rejects.toThrow(
      'SNS unavailable',
    );
    const retry = await recordAlert(highBalanceDetected(), { store, notifier });

    expect(retry).toEqual({ kind: 'duplicate', emailed: true });
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
