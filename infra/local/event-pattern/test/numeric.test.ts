import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../index.ts';
import { ec2Event, onDetail } from './events.ts';

describe('Function: testEventPattern', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#filtering-numeric-matching
  describe('Operator: numeric', () => {
    const documented = {
      detail: {
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ numeric: ['=', 3.018e2] }],
      },
    };

    it('matches the documented pattern when every field is in range', () => {
      const event = ec2Event({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8 });

      expect(testEventPattern(documented, event)).toBe(true);
    });

    it.each([
      ['c-count at the open lower bound', { 'c-count': 0 }],
      ['c-count above the upper bound', { 'c-count': 5.5 }],
      ['d-count at the open upper bound', { 'd-count': 10 }],
      ['x-limit off by a little', { 'x-limit': 301.9 }],
    ])('does not match with %s', (_name, change) => {
      const event = ec2Event({ 'c-count': 5, 'd-count': 3, 'x-limit': 301.8, ...change });

      expect(testEventPattern(documented, event)).toBe(false);
    });

    it.each([
      [['>', 10, '<=', 20], 10, false],
      [['>', 10, '<=', 20], 10.000001, true],
      [['>', 10, '<=', 20], 20, true],
      [['>=', 10, '<', 20], 10, true],
      [['>=', 10, '<', 20], 20, false],
      [['>=', -5], -5, true],
      [['<=', -5], -4.5, false],
      [['=', 3], 3.0, true],
      [['=', 0], -0, true],
    ])('%j on %d: %s', (numeric, value, expected) => {
      expect(testEventPattern(onDetail('Price', [{ numeric }]), ec2Event({ Price: value }))).toBe(
        expected,
      );
    });

    it('matches only JSON numbers, not numeric strings', () => {
      const pattern = onDetail('Price', [{ numeric: ['>', 0] }]);

      expect(testEventPattern(pattern, ec2Event({ Price: '5' }))).toBe(false);
      expect(testEventPattern(pattern, ec2Event({ Price: true }))).toBe(false);
    });

    it('does not match a number beyond the documented range of ±5e9', () => {
      const pattern = onDetail('Price', [{ numeric: ['>', 0] }]);

      expect(testEventPattern(pattern, ec2Event({ Price: 5e9 }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ Price: 5.000001e9 }))).toBe(false);
    });

    it('matches when any number of an event list is in range', () => {
      const pattern = onDetail('scores', [{ numeric: ['>=', 90] }]);

      expect(testEventPattern(pattern, ec2Event({ scores: [12, 95] }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ scores: [12, 45] }))).toBe(false);
    });

    it('matches "Price is more than 10, and less than or equal to 20" as in the operators table', () => {
      const pattern = onDetail('Price', [{ numeric: ['>', 10, '<=', 20] }]);

      expect(testEventPattern(pattern, ec2Event({ Price: 15 }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ Price: 25 }))).toBe(false);
    });
  });
});
