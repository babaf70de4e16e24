import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../index.ts';
import { ec2Event, onDetail } from './events.ts';

describe('Function: testEventPattern', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-prefix-matching
  describe('Operator: prefix', () => {
    const onOctoberSecond = { time: [{ prefix: '2017-10-02' }] };

    it.each([
      ['2017-10-02T18:43:48Z', true],
      ['2017-10-02', true],
      ['2017-10-03T18:43:48Z', false],
      ['2017-10-0', false],
    ])('matches time %j: %s', (time, expected) => {
      expect(testEventPattern(onOctoberSecond, ec2Event({}, { time }))).toBe(expected);
    });

    it('matches only strings', () => {
      expect(testEventPattern(onDetail('code', [{ prefix: '20' }]), ec2Event({ code: 2017 }))).toBe(
        false,
      );
    });

    it('is case sensitive', () => {
      expect(testEventPattern({ region: [{ prefix: 'US-' }] }, ec2Event())).toBe(false);
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-prefix-matching-ignore-case
  describe('Operator: prefix with equals-ignore-case', () => {
    const eventB = onDetail('service', [{ prefix: { 'equals-ignore-case': 'EventB' } }]);

    it.each([
      ['EventBridge', true],
      ['EVENTBRIDGE', true],
      ['eventbus', true],
      ['Event', false],
      ['SNS', false],
    ])('matches service %j: %s', (service, expected) => {
      expect(testEventPattern(eventB, ec2Event({ service }))).toBe(expected);
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-suffix-matching
  describe('Operator: suffix', () => {
    const png = { FileName: [{ suffix: '.png' }] };

    it.each([
      ['image.png', true],
      ['.png', true],
      ['image.PNG', false],
      ['image.png.txt', false],
    ])('matches FileName %j: %s', (FileName, expected) => {
      expect(testEventPattern(png, ec2Event({}, { FileName }))).toBe(expected);
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-suffix-matching-ignore-case
  describe('Operator: suffix with equals-ignore-case', () => {
    const png = onDetail('FileName', [{ suffix: { 'equals-ignore-case': '.png' } }]);

    it.each([
      ['image.png', true],
      ['IMAGE.PNG', true],
      ['image.Png', true],
      ['image.jpg', false],
    ])('matches FileName %j: %s', (FileName, expected) => {
      expect(testEventPattern(png, ec2Event({ FileName }))).toBe(expected);
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  // ("Equals (ignore case)": Name is "Alice")
  describe('Operator: equals-ignore-case', () => {
    const alice = onDetail('Name', [{ 'equals-ignore-case': 'alice' }]);

    it.each([
      ['Alice', true],
      ['ALICE', true],
      ['alice', true],
      ['Alicia', false],
      ['alice ', false],
    ])('matches Name %j: %s', (Name, expected) => {
      expect(testEventPattern(alice, ec2Event({ Name }))).toBe(expected);
    });

    it('matches only strings', () => {
      expect(
        testEventPattern(
          onDetail('flag', [{ 'equals-ignore-case': 'true' }]),
          ec2Event({ flag: true }),
        ),
      ).toBe(false);
    });
  });
});
