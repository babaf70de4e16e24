import type { ReceivedEvent } from '@txnflow/contracts';
import { expect } from 'vitest';
import type { LedgerEntry, LedgerStore } from '../../src/ports.ts';

/** One distinct transaction of a workload: what the file said. */
interface OracleTransaction {
  readonly customerId: string;
  readonly transactionId: string;
  readonly amountCents: number;
}

/** What the alerting side saw: HighBalanceDetected events, by alert id (duplicates allowed). */
type PublishedAlerts = readonly { readonly alertId: string; readonly customerId: string }[];

/** The oracle: each customer's balance is the sum of its distinct transactions' amounts. */
function expectedBalances(transactions: readonly OracleTransaction[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const { customerId, amountCents } of transactions) {
    sums.set(customerId, (sums.get(customerId) ?? 0) + amountCents);
  }
  return sums;
}

/**
 * Checks the ledger's invariant against the workload, independently of how it was applied:
 * for every customer, the balance equals the sum of its distinct transactions; its entries
 * are one chain (versions 1..n, the first starting at 0, each before the previous after,
 * each after = before + amount) holding every transaction exactly once; the balance's
 * version is n; an entry is flagged crossing exactly when it moved the balance from below
 * the threshold to at or above it; and the alerts published are exactly those crossings.
 *
 * @example await expectLedgerInvariants(store, transactions, alerts, 150_000);
 */
async function expectLedgerInvariants(
  store: LedgerStore,
  transactions: readonly OracleTransaction[],
  published: PublishedAlerts,
  thresholdCents: number,
): Promise<void> {
  const sums = expectedBalances(transactions);
  const customers = [...sums.keys()];
  const read = await store.read(
    customers.map((customerId) => ({ customerId, transactionIds: [] })),
  );
  const crossings = new Set<string>();
  for (const customerId of customers) {
    const entries = await store.listEntries(customerId);
    const ofCustomer = transactions.filter((t) => t.customerId === customerId);
    expectOneChain(customerId, entries, ofCustomer, thresholdCents);
    expect(read.get(customerId)?.balance, `balance of ${customerId}`).toEqual({
      customerId,
      cents: sums.get(customerId),
      version: ofCustomer.length,
    });
    for (const entry of entries) {
      if (!entry.crossedThreshold) continue;
      crossings.add(`${customerId}:${entry.transactionId}`);
      expect(entry.alertPublished, `alert of ${customerId}:${entry.transactionId} published`).toBe(
        true,
      );
    }
  }
  const alertIds = new Set(published.map((alert) => alert.alertId));
  expect([...alertIds].sort(), 'alerts published = upward crossings').toEqual(
    [...crossings].sort(),
  );
}

function expectOneChain(
  customerId: string,
  entries: readonly LedgerEntry[],
  transactions: readonly OracleTransaction[],
  thresholdCents: number,
): void {
  const where = `entries of ${customerId}`;
  expect(
    entries.map((e) => e.version),
    `${where}: versions`,
  ).toEqual(entries.map((_e, i) => i + 1));
  expect(entries.map((e) => e.transactionId).sort(), `${where}: each transaction once`).toEqual(
    transactions.map((t) => t.transactionId).sort(),
  );
  let balance = 0;
  for (const entry of entries) {
    const amount = transactions.find((t) => t.transactionId === entry.transactionId)?.amountCents;
    expect(
      [entry.balanceBeforeCents, entry.amountCents, entry.balanceAfterCents],
      `${where}: ${entry.transactionId} (version ${entry.version})`,
    ).toEqual([balance, amount, balance + (amount ?? Number.NaN)]);
    expect(entry.crossedThreshold, `${where}: ${entry.transactionId} crossing flag`).toBe(
      entry.balanceBeforeCents < thresholdCents && entry.balanceAfterCents >= thresholdCents,
    );
    balance = entry.balanceAfterCents;
  }
}

/** The alerts a RecordingPublisher saw, as the invariant reads them. */
function alertsOf(
  published: readonly { detailType: string; detail: { data: unknown } }[],
): PublishedAlerts {
  return published
    .filter((event) => event.detailType === 'HighBalanceDetected')
    .map((event) => event.detail.data as { alertId: string; customerId: string });
}

type TransactionRecorded = ReceivedEvent<'TransactionRecorded'>;

export type { OracleTransaction, PublishedAlerts, TransactionRecorded };
export { alertsOf, expectedBalances, expectLedgerInvariants };
