import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../index.ts';
import { ec2Event, onDetail } from './events.ts';

describe('Function: testEventPattern', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-exists-matching
  describe('Operator: exists', () => {
    const hasState = onDetail('state', [{ exists: true }]);
    const noCount = onDetail('c-count', [{ exists: false }]);

    it('matches an event that has detail.state with exists: true', () => {
      expect(testEventPattern(hasState, ec2Event({ state: 'pending' }))).toBe(true);
    });

    it('does not match an event without detail.state with exists: true', () => {
      expect(testEventPattern(hasState, { detail: { 'c-count': { c1: 100 } } })).toBe(false);
    });

    it('matches an event without detail.c-count with exists: false', () => {
      expect(testEventPattern(noCount, ec2Event())).toBe(true);
    });

    it('matches with exists: false when c-count is an object, as it is not a leaf', () => {
      expect(testEventPattern(noCount, ec2Event({ 'c-count': { c1: 100 } }))).toBe(true);
    });

    it('does not match with exists: true when the field is an object', () => {
      const pattern = onDetail('c-count', [{ exists: true }]);

      expect(testEventPattern(pattern, ec2Event({ 'c-count': { c1: 100 } }))).toBe(false);
    });

    it('does not match with exists: false when the field has a value', () => {
      expect(testEventPattern(noCount, ec2Event({ 'c-count': 0 }))).toBe(false);
    });

    it.each([
      ['null', null, true],
      ['an empty string', '', true],
      ['false', false, true],
      ['an empty list', [], false],
      ['a list of values', ['a'], true],
    ])('counts %s as present: %s', (_name, value, expected) => {
      const pattern = onDetail('ProductName', [{ exists: true }]);

      expect(testEventPattern(pattern, ec2Event({ ProductName: value }))).toBe(expected);
    });

    it('matches with exists: false below a missing intermediate object', () => {
      const pattern = { detail: { requestParameters: { bucketName: [{ exists: false }] } } };

      expect(testEventPattern(pattern, ec2Event())).toBe(true);
    });

    it('matches either way when a list has both exists and a value', () => {
      const pattern = onDetail('state', [{ exists: false }, 'running']);

      expect(testEventPattern(pattern, { detail: {} })).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ state: 'running' }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ state: 'stopped' }))).toBe(false);
    });
  });
});
