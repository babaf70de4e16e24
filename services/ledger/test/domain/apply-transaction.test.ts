import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../src/adapters/local/sqlite-ledger-store.ts';
import { applyTransaction, applyTransactions } from '../../src/domain/apply-transaction.ts';
import {
  BalanceContentionError,
  BalanceOutOfRangeError,
  TransactionRefusedError,
} from '../../src/domain/errors.ts';
import type { LedgerStore } from '../../src/ports.ts';
import { RecordingPublisher, transactionRecorded } from '../support/factories.ts';

const THRESHOLD = 150_000;

describe('Function: applyTransaction', () => {
  let store: SqliteLedgerStore;
  let publisher: RecordingPublisher;
  const apply = (event: ReturnType<typeof transactionRecorded>, s: LedgerStore = store) =>
    applyTransaction(event, { store: s, publisher, thresholdCents: THRESHOLD });
  const balanceOf = async (customerId: string) =>
    (await store.read([{ customerId, transactionIds: [] }])).get(customerId)?.balance.cents;
  /** A store that runs `between` once, after the first read and before its commit. */
  const racing = (between: () => Promise<void>): LedgerStore => {
    let raced = false;
    return {
      read: (customers) => store.read(customers),
      markAlertPublished: (c, t) => store.markAlertPublished(c, t),
      listBalances: () => store.listBalances(),
      listEntries: (c) => store.listEntries(c),
      async commit(commits) {
        if (!raced) {
          raced = true;
          await between();
        }
        return store.commit(commits);
      },
    };
  };

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
    const racingStore = racing(async () => {
      await apply(transactionRecorded({ transactionId: 'T-concurrent', amount: '50.00' }));
    });

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

  it("never commits a batch's chain on a balance another writer moved between the read and the write", async () => {
    // The defect this design replaced: entries chained on expected versions, so when the
    // first came back stale the second still committed on the version the other writer set.
    const batch = ['100.00', '200.00', '300.00'].map((amount, i) =>
      transactionRecorded({ transactionId: `T${i + 1}`, amount }),
    );
    const racingStore = racing(async () => {
      await apply(transactionRecorded({ transactionId: 'T-concurrent', amount: '50.00' }));
    });

    const results = await applyTransactions(batch, {
      store: racingStore,
      publisher,
      thresholdCents: THRESHOLD,
    });

    expect(results.map((r) => r.ok && r.outcome.kind)).toEqual(['applied', 'applied', 'applied']);
    expect(await balanceOf('C1')).toBe(65_000);
    const entries = await store.listEntries('C1');
    expect(entries.map((e) => [e.version, e.balanceBeforeCents, e.balanceAfterCents])).toEqual([
      [1, 0, 5_000],
      [2, 5_000, 15_000],
      [3, 15_000, 35_000],
      [4, 35_000, 65_000],
    ]);
  });

  it('plans again only the customer whose balance moved', async () => {
    const reads: string[][] = [];
    const racingStore = racing(async () => {
      await apply(
        transactionRecorded({ customerId: 'C2', transactionId: 'T-other', amount: '1.00' }),
      );
    });
    const counting: LedgerStore = {
      ...racingStore,
      read: (customers) => {
        reads.push(customers.map((c) => c.customerId));
        return racingStore.read(customers);
      },
    };

    await applyTransactions(
      [
        transactionRecorded({ customerId: 'C1', transactionId: 'T1' }),
        transactionRecorded({ customerId: 'C2', transactionId: 'T1' }),
        transactionRecorded({ customerId: 'C3', transactionId: 'T1' }),
      ],
      { store: counting, publisher, thresholdCents: THRESHOLD },
    );

    expect(reads).toEqual([['C1', 'C2', 'C3'], ['C2']]);
    expect([await balanceOf('C1'), await balanceOf('C2'), await balanceOf('C3')]).toEqual([
      10_000, 10_100, 10_000,
    ]);
  });

  it('goes on from what a store that splits long commits did write before a part conflicted', async () => {
    let split = false;
    const splitting: LedgerStore = {
      ...racing(async () => {}),
      async commit(commits) {
        const [commit] = commits;
        if (split || !commit || commits.length !== 1) return store.commit(commits);
        split = true;
        await store.commit([{ ...commit, entries: commit.entries.slice(0, 2) }]);
        return [{ status: 'conflict', committedEntries: 2 }];
      },
    };
    const batch = ['1000.00', '400.00', '300.00', '5.00'].map((amount, i) =>
      transactionRecorded({ transactionId: `T${i + 1}`, amount }),
    );

    const results = await applyTransactions(batch, {
      store: splitting,
      publisher,
      thresholdCents: THRESHOLD,
    });

    expect(results.map((r) => r.ok && r.outcome.kind)).toEqual([
      'applied',
      'applied',
      'applied',
      'applied',
    ]);
    expect(await balanceOf('C1')).toBe(170_500);
    expect((await store.listEntries('C1')).map((e) => e.transactionId)).toEqual([
      'T1',
      'T2',
      'T3',
      'T4',
    ]);
    expect(publisher.published.map((e) => (e.detail.data as { alertId: string }).alertId)).toEqual([
      'C1:T3',
    ]);
  });

  it('refuses a transaction that would take the balance past the largest supported, and applies the rest', async () => {
    const batch = [
      transactionRecorded({ transactionId: 'T1', amount: '9999999999999.99' }),
      transactionRecorded({ transactionId: 'T2', amount: '9999999999999.99' }),
      transactionRecorded({ transactionId: 'T3', amount: '-1.00' }),
    ];

    const results = await applyTransactions(batch, { store, publisher, thresholdCents: THRESHOLD });

    expect(results.map((r) => r.ok)).toEqual([true, false, true]);
    const refusal = results[1]?.ok === false ? results[1].error : undefined;
    expect(refusal).toBeInstanceOf(BalanceOutOfRangeError);
    expect(refusal).toBeInstanceOf(TransactionRefusedError);
    expect(String((refusal as Error).message)).toBe(
      'transaction T2 of customer C1: it would take the balance from 9999999999999.99 to ' +
        '19999999999999.98, beyond the largest supported balance of ±9999999999999.99',
    );
    expect(await balanceOf('C1')).toBe(999_999_999_999_899);
  });

  it('fails every event of the batch when the store fails as a whole, and applies them on redelivery', async () => {
    const batch = [
      transactionRecorded({ transactionId: 'T1' }),
      transactionRecorded({ customerId: 'C2' }),
    ];
    const broken: LedgerStore = {
      ...racing(async () => {}),
      commit: async () => {
        throw new Error('disk I/O error');
      },
    };

    const failed = await applyTransactions(batch, {
      store: broken,
      publisher,
      thresholdCents: THRESHOLD,
    });
    const retried = await applyTransactions(batch, { store, publisher, thresholdCents: THRESHOLD });

    expect(failed.map((r) => !r.ok && (r.error as Error).message)).toEqual([
      'disk I/O error',
      'disk I/O error',
    ]);
    expect(retried.map((r) => r.ok && r.outcome.kind)).toEqual(['applied', 'applied']);
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
      ...racing(async () => {}),
      commit: async (commits) =>
        commits.map(() => ({ status: 'conflict' as const, committedEntries: 0 })),
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
