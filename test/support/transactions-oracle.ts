import { readFile } from 'node:fs/promises';

/** A row of a transactions file as the oracle reads it. */
interface FileRow {
  readonly customerId: string;
  readonly transactionId: string;
  readonly cents: number;
}

/**
 * Reads a pipe-delimited transactions file with its own few lines of code (no txnflow
 * parser, no parseMoney), so that what it expects does not share a bug with what it checks.
 * Only for the simple files the tests generate: no quotes, `-?digits.dd` amounts.
 *
 * @example const rows = await readOracleRows('/tmp/t.txt');
 */
async function readOracleRows(path: string): Promise<FileRow[]> {
  const lines = (await readFile(path, 'utf8')).split('\n').slice(1);
  return lines
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [customerId = '', , transactionId = '', , amount = ''] = line.split('|');
      const negative = amount.startsWith('-');
      const [units = '0', fraction = '0'] = amount.replace('-', '').split('.');
      const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
      return { customerId, transactionId, cents: negative ? -cents : cents };
    });
}

/** Each customer's sum of its rows, in cents. */
function sumsByCustomer(rows: readonly FileRow[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const row of rows) sums.set(row.customerId, (sums.get(row.customerId) ?? 0) + row.cents);
  return sums;
}

/** Each customer's expected balance: the sum of its rows, as a 2-decimal string. */
function expectedBalances(rows: readonly FileRow[]): { customerId: string; balance: string }[] {
  const sums = sumsByCustomer(rows);
  const text = (cents: number) =>
    `${cents < 0 ? '-' : ''}${Math.trunc(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;
  return [...sums]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([customerId, cents]) => ({ customerId, balance: text(cents) }));
}

export type { FileRow };
export { expectedBalances, readOracleRows, sumsByCustomer };
