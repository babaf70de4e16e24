import { InvalidMoneyError, isTransactionDate, parseMoney } from '@txnflow/contracts';
import type { TransactionRow } from '../ports.ts';

/** The documented columns, in their documented order. */
const COLUMNS = ['customer_id', 'customer_address', 'trn_id', 'trn_date', 'trn_amount'] as const;
type Column = (typeof COLUMNS)[number];

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const DATE_SHAPE = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2}))?$/;
const MAX_ADDRESS = 512;

type RowResult =
  | { readonly ok: true; readonly row: TransactionRow }
  | { readonly ok: false; readonly reason: string };

const reject = (column: Column, problem: string): RowResult => ({
  ok: false,
  reason: `${column}: ${problem}`,
});

function checkId(column: Column, value: string): RowResult | undefined {
  if (value === '') return reject(column, 'is empty');
  if (!ID.test(value)) {
    return reject(column, `"${value}" is not an id (letters, digits, . _ -; at most 64)`);
  }
  return undefined;
}

function checkDate(value: string): RowResult | undefined {
  if (!DATE_SHAPE.test(value) || !isTransactionDate(value)) {
    return reject('trn_date', `"${value}" is not a calendar date (YYYY-MM-DD or ISO date-time)`);
  }
  return undefined;
}

/**
 * Validates one row's fields (already split, in header order) into a TransactionRow, or
 * says which field is wrong and why.
 *
 * @example validateRow(['C1', '1 Main St', 'T1', '2023-03-01', '12.50'], 2)
 */
function validateRow(fields: readonly string[], line: number): RowResult {
  if (fields.length !== COLUMNS.length) {
    return { ok: false, reason: `expected ${COLUMNS.length} fields, found ${fields.length}` };
  }
  const [customerId, customerAddress, transactionId, transactionDate, amount] = fields.map((f) =>
    f.trim(),
  ) as [string, string, string, string, string];
  const problem =
    checkId('customer_id', customerId) ??
    (customerAddress === '' ? reject('customer_address', 'is empty') : undefined) ??
    (customerAddress.length > MAX_ADDRESS
      ? reject('customer_address', `is longer than ${MAX_ADDRESS} characters`)
      : undefined) ??
    checkId('trn_id', transactionId) ??
    checkDate(transactionDate);
  if (problem) return problem;
  try {
    const amountCents = parseMoney(amount);
    return {
      ok: true,
      row: { line, customerId, customerAddress, transactionId, transactionDate, amountCents },
    };
  } catch (error) {
    if (!(error instanceof InvalidMoneyError)) throw error;
    return reject(
      'trn_amount',
      amount === '' ? 'is empty' : error.message.replace('invalid amount ', ''),
    );
  }
}

export type { Column, RowResult };
export { COLUMNS, validateRow };
