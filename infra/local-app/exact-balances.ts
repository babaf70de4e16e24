import { formatMoney, localTableName } from '@txnflow/contracts';
import type { Database } from 'better-sqlite3';

const TOTALS = localTableName('ledger', 'TransactionTotal');

/**
 * A stored amount as text, exactly, whatever was stored: integers come as bigint, and a
 * REAL (SQLite keeps one where an integer overflowed 64 bits) is whole and shown as is.
 * Nothing here throws, so one bad value never hides every other balance.
 */
function storedCentsText(value: bigint | number): string {
  if (typeof value === 'bigint') return formatMoney(value);
  if (Number.isInteger(value)) return formatMoney(BigInt(value));
  return `${value} cents (not a whole number of cents)`;
}

/**
 * Every customer's balance, read from the ledger's TransactionTotal table with SQLite's
 * 64-bit integers kept exact (better-sqlite3's `safeIntegers`), so that a balance stored
 * beyond 2^53 cents (written before the ledger refused balances past MAX_MONEY_CENTS) is
 * shown as it is stored instead of failing the whole listing. The ledger's own
 * `listBalances` reads plain numbers, which lose such a value.
 *
 * @example await listExactBalances(runtime.db) // [{ customerId: 'C1', balance: '907.55' }]
 */
function listExactBalances(db: Database): { customerId: string; balance: string }[] {
  const rows = db
    .prepare(`SELECT customer_id, balance_cents FROM ${TOTALS} ORDER BY customer_id`)
    .safeIntegers(true)
    .all() as { customer_id: string; balance_cents: bigint | number }[];
  return rows.map((row) => ({
    customerId: row.customer_id,
    balance: storedCentsText(row.balance_cents),
  }));
}

export { listExactBalances };
