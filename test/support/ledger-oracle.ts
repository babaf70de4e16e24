import { expect } from 'vitest';
import { localServices } from '../../infra/local-app/services.ts';
import { deadLetterQueuesOf } from '../../infra/local-app/wire.ts';
import type { CliHarness } from './cli.ts';
import { expectedBalances, type FileRow } from './transactions-oracle.ts';

interface EntryRow {
  customerId: string;
  version: number;
  transactionId: string;
  amount: string;
  before: string;
  after: string;
  crossed: boolean;
}

interface AlertRow {
  alertId: string;
  customerId: string;
  transactionId: string;
  emailed: boolean;
}

const THRESHOLD_CENTS = 150_000;
const cents = (text: string): number => {
  const [units = '0', fraction = '0'] = text.replace('-', '').split('.');
  const value = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  return text.startsWith('-') ? -value : value;
};

/** Redrives every dead-letter queue until all are empty (a few rounds: a redrive may fail again). */
async function redriveUntilEmpty(cli: CliHarness): Promise<void> {
  for (let round = 0; round < 10; round += 1) {
    let left = 0;
    for (const dlq of deadLetterQueuesOf(localServices)) {
      const depth = (await cli.json<unknown[]>('queue', dlq)).length;
      left += depth;
      if (depth > 0) await cli.run('redrive', dlq);
    }
    if (left === 0) return;
  }
}

/** Each customer's entries are one chain holding each of its rows of the file once. */
function expectChains(entries: readonly EntryRow[], rows: readonly FileRow[]): void {
  const byCustomer = new Map<string, EntryRow[]>();
  for (const entry of entries) {
    byCustomer.set(entry.customerId, [...(byCustomer.get(entry.customerId) ?? []), entry]);
  }
  expect([...byCustomer.keys()].sort()).toEqual([...new Set(rows.map((r) => r.customerId))].sort());
  for (const [customerId, chain] of byCustomer) {
    const where = `entries of ${customerId}`;
    expect(
      chain.map((e) => e.version),
      `${where}: versions`,
    ).toEqual(chain.map((_e, i) => i + 1));
    const own = rows.filter((r) => r.customerId === customerId);
    expect(chain.map((e) => e.transactionId).sort(), `${where}: each row once`).toEqual(
      own.map((r) => r.transactionId).sort(),
    );
    let balance = 0;
    for (const entry of chain) {
      const row = own.find((r) => r.transactionId === entry.transactionId);
      expect(
        [cents(entry.before), cents(entry.amount), cents(entry.after)],
        `${where}: ${entry.transactionId}`,
      ).toEqual([balance, row?.cents, balance + (row?.cents ?? Number.NaN)]);
      balance = cents(entry.after);
    }
  }
}

/** The upward crossings of the chains, by alert id (customer:transaction). */
function crossingsOf(entries: readonly EntryRow[]): string[] {
  return entries
    .filter((e) => cents(e.before) < THRESHOLD_CENTS && cents(e.after) >= THRESHOLD_CENTS)
    .map((e) => `${e.customerId}:${e.transactionId}`)
    .sort();
}

async function alertIdsInQueue(cli: CliHarness, queue: string): Promise<string[]> {
  const messages = await cli.json<{ body: string }[]>('queue', queue);
  return messages.map(
    (m) => (JSON.parse(m.body) as { detail: { data: { alertId: string } } }).detail.data.alertId,
  );
}

/**
 * Checks, through the CLI, everything a user can see against the file: balances equal the
 * per-customer sums of the file's amounts; the ledger's entries form one chain per customer
 * with every row once; the alerts are exactly the upward crossings of those chains, each
 * emailed once and in each queue (exactly once without duplicate deliveries, at least once
 * with them: a queue is at-least-once); no dead letter is left.
 *
 * @example await expectLedgerMatchesFile(cli, await readOracleRows(file), { exactQueues: true });
 */
async function expectLedgerMatchesFile(
  cli: CliHarness,
  rows: readonly FileRow[],
  options: { readonly exactQueues: boolean },
): Promise<void> {
  expect(await cli.json('balances')).toEqual(expectedBalances(rows));
  const entries = await cli.json<EntryRow[]>('entries');
  expectChains(entries, rows);
  for (const entry of entries) {
    expect(entry.crossed, `${entry.customerId}:${entry.transactionId} crossed`).toBe(
      cents(entry.before) < THRESHOLD_CENTS && cents(entry.after) >= THRESHOLD_CENTS,
    );
  }
  const crossings = crossingsOf(entries);
  const alerts = await cli.json<AlertRow[]>('alerts');
  expect(alerts.map((a) => a.alertId).sort(), 'one alert per crossing').toEqual(crossings);
  expect(alerts.every((a) => a.emailed)).toBe(true);
  expect((await cli.json<unknown[]>('outbox')).length, 'one email per alert').toBe(
    crossings.length,
  );
  for (const queue of ['CustomerNotify', 'CreditCollection']) {
    const ids = await alertIdsInQueue(cli, queue);
    if (options.exactQueues) expect(ids.sort(), queue).toEqual(crossings);
    else expect([...new Set(ids)].sort(), queue).toEqual(crossings);
  }
  for (const dlq of deadLetterQueuesOf(localServices)) {
    expect(await cli.json<unknown[]>('queue', dlq), dlq).toEqual([]);
  }
}

export { expectLedgerMatchesFile, redriveUntilEmpty };
