import { readFile } from 'node:fs/promises';
import { formatMoney, parseMoney } from '@txnflow/contracts';
import { describe, expect, it } from 'vitest';

const THRESHOLD_CENTS = 150000;

async function sampleRows() {
  const text = await readFile(new URL('../sample-data/transactions.txt', import.meta.url), 'utf8');
  const [header, ...lines] = text.trimEnd().split('\n');
  const rows = lines.map((line) => {
    const [customerId = '', , transactionId = '', , amount = ''] = line.split('|');
    return { customerId, transactionId, cents: parseMoney(amount) };
  });
  return { header, rows };
}

describe('sample-data/transactions.txt', () => {
  it('has the documented header, 2 customers and 24 transactions', async () => {
    const { header, rows } = await sampleRows();

    expect(header).toBe('customer_id|customer_address|trn_id|trn_date|trn_amount');
    expect(rows).toHaveLength(24);
    expect(new Set(rows.map((r) => r.customerId))).toEqual(new Set(['C1', 'C2']));
    expect(new Set(rows.map((r) => r.transactionId)).size).toBe(24);
  });

  it('ends with C2 at 1750.00, crossing 1500.00 once in any delivery order, and C1 below', async () => {
    const { rows } = await sampleRows();
    const of = (id: string) => rows.filter((r) => r.customerId === id).map((r) => r.cents);
    const total = (cents: number[]) => cents.reduce((a, b) => a + b, 0);
    const positives = (cents: number[]) => cents.filter((c) => c > 0);

    expect(formatMoney(total(of('C2')))).toBe('1750.00');
    // Only positive amounts: the running balance rises monotonically whatever the order.
    expect(positives(of('C2'))).toEqual(of('C2'));
    // Even all of C1's positive amounts together stay under the threshold.
    expect(total(positives(of('C1')))).toBeLessThan(THRESHOLD_CENTS);
  });
});
