import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../index.ts';
import { ec2Event } from './events.ts';

describe('Function: testEventPattern', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-complex-example-or
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  // ("Or": Location is "New York", or Day is "Monday")
  describe('Operator: $or', () => {
    const newYorkOrMonday = { detail: { $or: [{ Location: ['New York'] }, { Day: ['Monday'] }] } };

    it.each([
      ['New York on a Friday', { Location: 'New York', Day: 'Friday' }, true],
      ['Boston on a Monday', { Location: 'Boston', Day: 'Monday' }, true],
      ['New York on a Monday', { Location: 'New York', Day: 'Monday' }, true],
      ['Boston on a Friday', { Location: 'Boston', Day: 'Friday' }, false],
      ['neither field', {}, false],
    ])('matches %s: %s', (_name, detail, expected) => {
      expect(testEventPattern(newYorkOrMonday, { detail })).toBe(expected);
    });

    it('combines the alternatives with the sibling fields (AND)', () => {
      const pattern = {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization', 'ReadLatency'] },
          { namespace: ['AWS/EC2', 'AWS/ES'] },
        ],
      };

      expect(testEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/ES' })).toBe(
        true,
      );
      expect(testEventPattern(pattern, { source: 'aws.ec2', namespace: 'AWS/ES' })).toBe(false);
      expect(testEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/S3' })).toBe(
        false,
      );
    });

    it('needs every field of an alternative (AND inside OR)', () => {
      const pattern = {
        $or: [
          { metricName: ['CPUUtilization'] },
          { metricType: ['MetricType'], scope: ['Service'] },
        ],
      };

      expect(testEventPattern(pattern, { metricType: 'MetricType', scope: 'Service' })).toBe(true);
      expect(testEventPattern(pattern, { metricType: 'MetricType' })).toBe(false);
    });

    it('nests $or inside an alternative', () => {
      const pattern = {
        source: ['aws.cloudwatch'],
        $or: [
          { metricName: ['CPUUtilization'] },
          {
            namespace: ['AWS/EC2'],
            $or: [{ metricId: [1234] }, { spaceId: [1000] }],
          },
        ],
      };

      expect(
        testEventPattern(pattern, {
          source: 'aws.cloudwatch',
          namespace: 'AWS/EC2',
          spaceId: 1000,
        }),
      ).toBe(true);
      expect(
        testEventPattern(pattern, { source: 'aws.cloudwatch', namespace: 'AWS/EC2', spaceId: 1 }),
      ).toBe(false);
    });

    it('applies parallel $or groups at different levels together', () => {
      const pattern = {
        $or: [{ region: ['us-west-1'] }, { account: ['000000000000'] }],
        detail: { $or: [{ state: ['terminated'] }, { 'c-count': [{ exists: true }] }] },
      };

      expect(testEventPattern(pattern, ec2Event())).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ state: 'running' }))).toBe(false);
    });

    it('matches an alternative with operators', () => {
      const pattern = {
        detail: {
          $or: [
            { 'c-count': [{ numeric: ['>', 0, '<=', 5] }] },
            { 'd-count': [{ numeric: ['<', 10] }] },
          ],
        },
      };

      expect(testEventPattern(pattern, ec2Event({ 'c-count': 9, 'd-count': 3 }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ 'c-count': 9, 'd-count': 30 }))).toBe(false);
    });
  });
});
