import { InvalidMoneyError } from './errors.ts';

/**
 * Money inside txnflow is an integer number of cents, and on the wire a decimal string with
 * exactly two fraction digits. Binary floating point never touches an amount.
 */
type Cents = number;

/**
 * The largest magnitude of an amount or a balance txnflow supports, in cents:
 * 9,999,999,999,999.99 (just under 10^15 cents).
 *
 * Why this bound: a JavaScript number holds integers exactly only up to 2^53 (about
 * 9.007 × 10^15), and a balance is a sum of many rows, so amounts and balances are kept
 * well inside that range, where every sum of two supported values is still exact and can
 * be checked against this limit before it is stored. It is also what the event contracts
 * carry: their money pattern allows at most 13 integer digits. Ingest rejects a row whose
 * amount exceeds it; the ledger refuses a transaction that would take a balance beyond it.
 */
const MAX_MONEY_CENTS: Cents = 999_999_999_999_999;

/** Integer digits of the largest supported amount: MAX_MONEY_CENTS is 13 nines then 99. */
const MAX_UNIT_DIGITS = 13;

const MONEY_INPUT = /^([+-])?(\d+)(?:\.(\d{1,2}))?$/;

function unparseableReason(text: string): string {
  const fraction = /^[+-]?\d+\.(\d+)$/.exec(text.trim());
  return fraction && (fraction[1]?.length ?? 0) > 2
    ? `has ${fraction[1]?.length} decimal places, at most 2 are allowed`
    : 'expected a decimal number such as 125.40 or -25.00';
}

/**
 * Parses a decimal amount with at most 2 fraction digits into integer cents.
 *
 * @example parseMoney('-25.5') // -2550
 * @throws {InvalidMoneyError} when the text is not such an amount, or its magnitude is
 *   beyond {@link MAX_MONEY_CENTS}.
 */
function parseMoney(text: string): Cents {
  const match = MONEY_INPUT.exec(text.trim());
  if (!match) throw new InvalidMoneyError(text, unparseableReason(text));
  const [, sign, digits = '0', fraction = ''] = match;
  const units = digits.replace(/^0+(?=\d)/, '');
  if (units.length > MAX_UNIT_DIGITS) {
    throw new InvalidMoneyError(
      text,
      `is beyond the largest supported amount, ${formatMoney(MAX_MONEY_CENTS)}`,
    );
  }
  const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  return sign === '-' && cents !== 0 ? -cents : cents;
}

function formatBigCents(cents: bigint): string {
  const sign = cents < 0n ? '-' : '';
  const abs = cents < 0n ? -cents : cents;
  return `${sign}${abs / 100n}.${String(abs % 100n).padStart(2, '0')}`;
}

/**
 * Formats integer cents as the wire form: a decimal string with exactly two fraction digits.
 * A bigint is formatted exactly whatever its size, so a stored value read as a bigint (say,
 * a balance written beyond the supported range by an older build) can always be shown.
 *
 * @example formatMoney(175000) // '1750.00'
 * @throws {InvalidMoneyError} when a number is not a safe integer (it no longer holds an
 *   exact count of cents).
 */
function formatMoney(cents: Cents | bigint): string {
  if (typeof cents === 'bigint') return formatBigCents(cents);
  if (!Number.isSafeInteger(cents)) {
    throw new InvalidMoneyError(String(cents), 'cents must be a safe integer');
  }
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export type { Cents };
export { formatMoney, MAX_MONEY_CENTS, parseMoney };
