import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../index.ts';
import { ec2Event, onDetail } from './events.ts';

describe('Function: testEventPattern', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns.html
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
  describe('exact values and nested fields', () => {
    const terminated = {
      source: ['aws.ec2'],
      'detail-type': ['EC2 Instance State-change Notification'],
      detail: { state: ['terminated'] },
    };

    it('matches the EC2 termination event with the documented pattern', () => {
      const result = testEventPattern(terminated, ec2Event());

      expect(result).toBe(true);
    });

    it('does not match when one field of the pattern differs', () => {
      expect(testEventPattern(terminated, ec2Event({ state: 'running' }))).toBe(false);
    });

    it('matches when the value is any of the listed values', () => {
      const fromEc2OrFargate = { source: ['aws.ec2', 'aws.fargate'] };

      expect(testEventPattern(fromEc2OrFargate, ec2Event({}, { source: 'aws.fargate' }))).toBe(
        true,
      );
      expect(testEventPattern(fromEc2OrFargate, ec2Event({}, { source: 'aws.s3' }))).toBe(false);
    });

    it('ignores event fields the pattern does not name', () => {
      expect(testEventPattern({ region: ['us-west-1'] }, ec2Event({ extra: { deep: 1 } }))).toBe(
        true,
      );
    });

    it('does not match when a field of the pattern is missing from the event', () => {
      expect(testEventPattern(onDetail('c-count', [5]), ec2Event())).toBe(false);
    });

    it('needs the same nesting: a top-level state does not stand for detail.state', () => {
      expect(testEventPattern({ state: ['terminated'] }, ec2Event())).toBe(false);
    });

    it('compares strings exactly, case included', () => {
      expect(testEventPattern(onDetail('state', ['Terminated']), ec2Event())).toBe(false);
    });

    it.each([
      ['the number 100', { Price: [100] }, { Price: 100 }, true],
      ['100 written as 1e2 and 100.0', { Price: [1e2, 100.0] }, { Price: 100 }, true],
      ['a number against its string', { Price: [100] }, { Price: '100' }, false],
      ['a string against its number', { Price: ['100'] }, { Price: 100 }, false],
      ['true', { enabled: [true] }, { enabled: true }, true],
      ['true against "true"', { enabled: [true] }, { enabled: 'true' }, false],
      ['false against true', { enabled: [false] }, { enabled: true }, false],
    ])('matches %s by value and type', (_name, detailPattern, detail, expected) => {
      expect(testEventPattern({ detail: detailPattern }, ec2Event(detail))).toBe(expected);
    });

    it('uses the last of two identical keys, as the content-filtering page notes', () => {
      const pattern =
        '{"detail":{"location":[{"prefix":"us-"}],"location":[{"anything-but":"us-east"}]}}';

      expect(testEventPattern(pattern, ec2Event({ location: 'eu-west' }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ location: 'us-east' }))).toBe(false);
    });

    it('matches a number in JSON text by value: 3.018e2 is 301.8', () => {
      const result = testEventPattern(
        '{"detail":{"x-limit":[3.018e2]}}',
        '{"detail":{"x-limit":301.80}}',
      );

      expect(result).toBe(true);
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-null-values.html
  describe('null values and empty strings', () => {
    const launched = ec2Event({ eventVersion: '', responseElements: null });

    it.each([
      ['an empty string', onDetail('eventVersion', ['']), true],
      ['null', onDetail('responseElements', [null]), true],
      ['null against an empty string', onDetail('eventVersion', [null]), false],
      ['an empty string against null', onDetail('responseElements', ['']), false],
      ['null against a missing field', onDetail('userId', [null]), false],
    ])('matches %s as documented', (_name, pattern, expected) => {
      expect(testEventPattern(pattern, launched)).toBe(expected);
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-arrays.html
  describe('arrays in the event', () => {
    const resources = {
      resources: [
        'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:111122223333:instance/i-b188560f',
        'arn:aws:ec2:us-east-1:444455556666:instance/i-b188560f',
      ],
    };

    it('matches when the pattern list and the event list share a value', () => {
      const event = ec2Event(
        {},
        {
          resources: [
            'arn:aws:autoscaling:us-east-1:123456789012:autoScalingGroup:eb56d16b-bbf0-401d-b893-d5978ed4a025:autoScalingGroupName/ASGTerminate',
            'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f',
          ],
        },
      );

      expect(testEventPattern(resources, event)).toBe(true);
    });

    it('does not match when the lists share no value', () => {
      expect(testEventPattern(resources, ec2Event({}, { resources: ['arn:other'] }))).toBe(false);
    });

    it('does not match an empty event list', () => {
      expect(testEventPattern(resources, ec2Event({}, { resources: [] }))).toBe(false);
    });

    it('descends into a list of objects: a nested field matches in any of them', () => {
      const employees = { employees: [{ firstName: 'John' }, { firstName: 'Anna' }] };

      expect(
        testEventPattern({ detail: { employees: { firstName: ['Anna'] } } }, ec2Event(employees)),
      ).toBe(true);
    });

    it('never takes two fields from different objects of one list', () => {
      const employees = {
        employees: [
          { firstName: 'Anna', lastName: 'Smith' },
          { firstName: 'Peter', lastName: 'Jones' },
        ],
      };
      const annaJones = { detail: { employees: { firstName: ['Anna'], lastName: ['Jones'] } } };
      const annaSmith = { detail: { employees: { firstName: ['Anna'], lastName: ['Smith'] } } };

      expect(testEventPattern(annaJones, ec2Event(employees))).toBe(false);
      expect(testEventPattern(annaSmith, ec2Event(employees))).toBe(true);
    });

    it('searches lists nested in lists', () => {
      const employees = { employees: [[{ firstName: 'John' }], [{ firstName: 'Peter' }]] };

      expect(
        testEventPattern({ detail: { employees: { firstName: ['Peter'] } } }, ec2Event(employees)),
      ).toBe(true);
    });

    it('does not match a list of values against an object of the event', () => {
      expect(testEventPattern(onDetail('tags', ['a']), ec2Event({ tags: { a: 'a' } }))).toBe(false);
    });
  });
});
