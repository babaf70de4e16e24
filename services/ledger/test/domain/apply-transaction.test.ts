import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../src/adapters/local/sqlite-ledger-store.ts';
import { applyTransaction, applyTransactions } from '../../src/domain/apply-transaction.ts';
import { BalanceContentionError } from '../../src/domain/errors.ts';
import type { ApplyResult, LedgerStore } from '../../src/ports.ts';
import { RecordingPublisher, transactionRecorded } from '../support/factories.ts';

const THRESHOLD = 150_000;

describe('Function: applyTransaction', () => {
  let store: SqliteLedgerStore;
  let publisher: RecordingPublisher;
  const apply = (event: ReturnType<typeof transactionRecorded>, s: LedgerStore = store) =>
    applyTransaction(event, { store: s, publisher, thresholdCents: THRESHOLD });
  const balanceOf = async (customerId: string) => (await store.load(customerId, '-')).balance.cents;

  beforeEach(() => {
    store = new SqliteLedgerStore(new Database(':memory:'));
    publisher = new RecordingPublisher();
  });

  it('adds each transaction to the customer balance, refunds included', async () => {
    await apply(transactionRecorded({ transactionId: 'T1', amount: '120.10' }));
    await apply(transactionRecorded({ transactionId: 'T2', amount: '-20.05' }));

    expect(await balanceOf('C1')).toBe(10_005);
    expect(publisher.published).toEqual([]);
  });

  it('applies a transaction delivered twice only once', async () => {
    const event = transactionRecorded({ amount: '100.00' });

    const first = await apply(event);
    const second = await apply(event);

    expect(first).toEqual({ kind: 'applied', balanceCents: 10_000, alerted: false });
    expect(second).toEqual({ kind: 'duplicate', alerted: false });
    expect(await balanceOf('C1')).toBe(10_000);
  });

  it('alerts once when a transaction takes the balance from below to exactly the threshold', async () => {
    await apply(transactionRecorded({ transactionId: 'T1', amount: '1499.99' }));
    await apply(
      transactionRecorded({ transactionId: 'T2', amount: '0.01', transactionDate: '2023-03-02' }),
    );
    await apply(transactionRecorded({ transactionId: 'T3', amount: '10.00' }));

    expect(publisher.published).toHaveLength(1);
    expect(publisher.published[0]).toMatchObject({
      source: 'txnflow.ledger',
      detailType: 'HighBalanceDetected',
      detail: {
        metadata: { correlationId: 'file-1', schemaVersion: '1' },
        data: {
          alertId: 'C1:T2',
          customerId: 'C1',
          balance: '1500.00',
          previousBalance: '1499.99',
          threshold: '1500.00',
          transaction: { transactionId: 'T2', amount: '0.01', transactionDate: '2023-03-02' },
        },
      },
    });
  });

  it('alerts again after a refund takes the balance below and a new transaction crosses again', async () => {
    await apply(transactionRecorded({ transactionId: 'T1', amount: '1600.00' }));
    await apply(transactionRecorded({ transactionId: 'T2', amount: '-200.00' }));
    await apply(transactionRecorded({ transactionId: 'T3', amount: '150.00' }));

    expect(publisher.published.map((e) => e.detail.data)).toMatchObject([
      { alertId: 'C1:T1', balance: '1600.00' },
      { alertId: 'C1:T3', balance: '1550.00', previousBalance: '1400.00' },
    ]);
  });

  it('keeps customers apart', async () => {
    await apply(transactionRecorded({ customerId: 'C1', transactionId: 'T1', amount: '1000.00' }));
    await apply(transactionRecorded({ customerId: 'C2', transactionId: 'T1', amount: '1000.00' }));

    expect([await balanceOf('C1'), await balanceOf('C2')]).toEqual([100_000, 100_000]);
    expect(publisher.published).toEqual([]);
  });

  it('publishes an alert that a crash left unpublished when the transaction is delivered again', async () => {
    const crossing = transactionRecorded({ amount: '2000.00' });
    publisher.failuresLeft = 1;

    await expect(apply(crossing)).rejects.toThrow('EventBridge unavailable');
    const redelivery = await apply(crossing);
    const third = await apply(crossing);

    expect(redelivery).toEqual({ kind: 'duplicate', alerted: true });
    expect(third).toEqual({ kind: 'duplicate', alerted: false });
    expect(publisher.published).toHaveLength(1);
    expect(await balanceOf('C1')).toBe(200_000);
  });

  it('carries the replay name of a replayed transaction onto the alert it causes', async () => {
    await apply(transactionRecorded({ amount: '1500.00', replayName: 'backfill-1' }));

    expect(publisher.published[0]?.detail.metadata.replayName).toBe('backfill-1');
  });

  it('re-reads and retries when another writer changed the balance in between', async () => {
    await apply(transactionRecorded({ transactionId: 'T1', amount: '1400.00' }));
    let raced = false;
    const racingStore: LedgerStore = {
      load: (c, t) => store.load(c, t),
      markAlertPublished: (c, t) => store.markAlertPublished(c, t),
      listBalances: () => store.listBalances(),
      async apply(entry, version) {
        if (!raced) {
          raced = true;
          await apply(transactionRecorded({ transactionId: 'T-concurrent', amount: '50.00' }));
        }
        return store.apply(entry, version);
      },
      async applyInOrder(items) {
        const results: ApplyResult[] = [];
        for (const { entry, expectedVersion } of items)
          results.push(await this.apply(entry, expectedVersion));
        return results;
      },
    };

    const outcome = await apply(
      transactionRecorded({ transactionId: 'T2', amount: '60.00' }),
      racingStore,
    );

    expect(outcome).toEqual({ kind: 'applied', balanceCents: 151_000, alerted: true });
    expect(
      publisher.published.map(
        (e) => (e.detail.data as { previousBalance?: string }).previousBalance,
      ),
    ).toEqual(['1450.00']);
  });

  it('applies a batch in one go: several transactions of one customer chain, a duplicate within the batch counts once', async () => {
    const events = [
      transactionRecorded({ transactionId: 'T1', amount: '1000.00' }),
      transactionRecorded({ customerId: 'C2', transactionId: 'T1', amount: '5.00' }),
      transactionRecorded({ transactionId: 'T2', amount: '600.00' }),
      transactionRecorded({ transactionId: 'T2', amount: '600.00' }),
    ];

    const results = await applyTransactions(events, {
      store,
      publisher,
      thresholdCents: THRESHOLD,
    });

    expect(results.map((r) => (r.ok ? r.outcome.kind : 'failed'))).toEqual([
      'applied',
      'applied',
      'applied',
      'duplicate',
    ]);
    expect([await balanceOf('C1'), await balanceOf('C2')]).toEqual([160_000, 500]);
    expect(publisher.published.map((e) => (e.detail.data as { alertId: string }).alertId)).toEqual([
      'C1:T2',
    ]);
  });

  it('gives up with BalanceContentionError when the balance changes on every attempt', async () => {
    const alwaysStale: LedgerStore = {
      load: (c, t) => store.load(c, t),
      markAlertPublished: async () => {},
      listBalances: async () => [],
      apply: async () => 'stale-balance',
      applyInOrder: async (items) => items.map(() => 'stale-balance' as const),
    };

    await expect(
      applyTransaction(transactionRecorded(), {
        store: alwaysStale,
        publisher,
        thresholdCents: THRESHOLD,
        maxAttempts: 3,
      }),
    ).rejects.toThrowError(BalanceContentionError);
  });
});
