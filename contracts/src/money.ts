import { InvalidMoneyError } from './errors.ts';

/**
 * Money inside txnflow is an integer number of cents (a safe integer: up to about 90 trillion
 * in currency units), and on the wire a decimal string with exactly two fraction digits.
 * Binary floating point never touches an amount.
 */
type Cents = number;

const MONEY_INPUT = /^([+-])?(\d{1,13})(?:\.(\d{1,2}))?$/;

/**
 * Parses a decimal amount with at most 2 fraction digits into integer cents.
 *
 * @example parseMoney('-25.5') // -2550
 * @throws {InvalidMoneyError} when the text is not such an amount.
 */
function parseMoney(text: string): Cents {
  const match = MONEY_INPUT.exec(text.trim());
  if (!match) {
    const fraction = /^[+-]?\d+\.(\d+)$/.exec(text.trim());
    const reason =
      fraction && (fraction[1]?.length ?? 0) > 2
        ? `has ${fraction[1]?.length} decimal places, at most 2 are allowed`
        : 'expected a decimal number such as 125.40 or -25.00';
    throw new InvalidMoneyError(text, reason);
  }
  const [, sign, units = '0', fraction = ''] = match;
  const cents = Number(units) * 100 + Number(fraction.padEnd(2, '0'));
  return sign === '-' && cents !== 0 ? -cents : cents;
}

/**
 * Formats integer cents as the wire form: a decimal string with exactly two fraction digits.
 *
 * @example formatMoney(175000) // '1750.00'
 */
function formatMoney(cents: Cents): string {
  if (!Number.isSafeInteger(cents)) {
    throw new InvalidMoneyError(String(cents), 'cents must be a safe integer');
  }
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

export type { Cents };
export { formatMoney, parseMoney };
