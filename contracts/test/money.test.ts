import { describe, expect, it } from 'vitest';
import { InvalidMoneyError } from '../src/errors.ts';
import { formatMoney, parseMoney } from '../src/money.ts';

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
});
