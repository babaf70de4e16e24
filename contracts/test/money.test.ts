import { describe, expect, it } from 'vitest';
import { InvalidMoneyError } from '../src/errors.ts';
import { formatMoney, MAX_MONEY_CENTS, parseMoney } from '../src/money.ts';

describe('Function: parseMoney', () => {
  it.each([
    ['1750.00', 175000],
    ['-25.00', -2500],
    ['0.1', 10],
    ['42', 4200],
    ['+3.07', 307],
    ['-0.00', 0],
    ['0.29', 29],
  ])('reads %s as %i cents', (text, cents) => {
    expect(parseMoney(text)).toBe(cents);
  });

  it.each([['12.345'], ['1,000.00'], ['abc'], [''], ['1e3'], ['.50'], ['12.']])(
    'rejects %j',
    (text) => {
      expect(() => parseMoney(text)).toThrowError(InvalidMoneyError);
    },
  );

  it('says how many decimal places were too many', () => {
    expect(() => parseMoney('12.345')).toThrowError('has 3 decimal places, at most 2 are allowed');
  });

  it('reads the largest supported amount, either sign, and leading zeros', () => {
    expect(parseMoney('9999999999999.99')).toBe(MAX_MONEY_CENTS);
    expect(parseMoney('-9999999999999.99')).toBe(-MAX_MONEY_CENTS);
    expect(parseMoney('000000000000001.50')).toBe(150);
  });

  it.each([['10000000000000.00'], ['-10000000000000'], ['99999999999999999999.99']])(
    'refuses %s: beyond the largest supported amount',
    (text) => {
      expect(() => parseMoney(text)).toThrowError(
        'is beyond the largest supported amount, 9999999999999.99',
      );
    },
  );
});

describe('Constant: MAX_MONEY_CENTS', () => {
  it('leaves room for exact sums: twice the limit is still a safe integer', () => {
    expect(Number.isSafeInteger(2 * MAX_MONEY_CENTS + 1)).toBe(true);
  });
});

describe('Function: formatMoney', () => {
  it.each([
    [175000, '1750.00'],
    [-2500, '-25.00'],
    [5, '0.05'],
    [-5, '-0.05'],
    [0, '0.00'],
  ])('writes %i cents as %s', (cents, text) => {
    expect(formatMoney(cents)).toBe(text);
  });

  it('round-trips with parseMoney without floating-point drift', () => {
    const sum = ['0.10', '0.20', '0.70'].map(parseMoney).reduce((a, b) => a + b, 0);
    expect(formatMoney(sum)).toBe('1.00');
  });

  it('refuses a fractional number of cents', () => {
    expect(() => formatMoney(0.5)).toThrowError(InvalidMoneyError);
  });

  it('writes bigint cents exactly, beyond the safe integer range too', () => {
    expect(formatMoney(9_999_999_999_999_990n)).toBe('99999999999999.90');
    expect(formatMoney(-9_007_199_254_740_993n)).toBe('-90071992547409.93');
    expect(formatMoney(-5n)).toBe('-0.05');
  });
});
