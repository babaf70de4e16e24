import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../index.ts';
import { ec2Event, onDetail } from './events.ts';

describe('Function: testEventPattern', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-anything-but
  describe('Operator: anything-but', () => {
    it.each([
      ['a string', 'state', 'initializing', 'running', true],
      ['a string, equal', 'state', 'initializing', 'initializing', false],
      ['a number', 'x-limit', 123, 456, true],
      ['a number, equal', 'x-limit', 123, 123, false],
      ['a number, equal in another notation', 'x-limit', 123, 1.23e2, false],
      ['a list of strings', 'state', ['stopped', 'overloaded'], 'running', true],
      ['a list of strings, listed', 'state', ['stopped', 'overloaded'], 'overloaded', false],
      ['a list of numbers', 'x-limit', [100, 200, 300], 150, true],
      ['a list of numbers, listed', 'x-limit', [100, 200, 300], 200, false],
    ])('excludes %s', (_name, field, excluded, value, expected) => {
      const pattern = onDetail(field, [{ 'anything-but': excluded }]);

      expect(testEventPattern(pattern, ec2Event({ [field]: value }))).toBe(expected);
    });

    it('does not match a missing field', () => {
      const pattern = onDetail('state', [{ 'anything-but': 'initializing' }]);

      expect(testEventPattern(pattern, { detail: {} })).toBe(false);
    });

    it('matches values of another type than the excluded ones', () => {
      const pattern = onDetail('x-limit', [{ 'anything-but': [100, 200] }]);

      expect(testEventPattern(pattern, ec2Event({ 'x-limit': '100' }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ 'x-limit': null }))).toBe(true);
    });

    it('matches an event list that holds at least one value not excluded', () => {
      const pattern = onDetail('state', [{ 'anything-but': 'stopped' }]);

      expect(testEventPattern(pattern, ec2Event({ state: ['stopped', 'running'] }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ state: ['stopped'] }))).toBe(false);
    });

    it('matches "Weather is anything but Raining" as in the operators table', () => {
      const pattern = onDetail('Weather', [{ 'anything-but': ['Raining'] }]);

      expect(testEventPattern(pattern, ec2Event({ Weather: 'Sunny' }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ Weather: 'Raining' }))).toBe(false);
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-anything-but-prefix
  describe('Operator: anything-but with prefix', () => {
    const notInit = onDetail('state', [{ 'anything-but': { prefix: 'init' } }]);

    it.each([
      ['running', true],
      ['Initializing', true],
      ['initializing', false],
      ['init', false],
    ])('matches state %j: %s', (state, expected) => {
      expect(testEventPattern(notInit, ec2Event({ state }))).toBe(expected);
    });

    it('matches "Region is not in the US" as in the operators table', () => {
      const pattern = { region: [{ 'anything-but': { prefix: 'us-' } }] };

      expect(testEventPattern(pattern, ec2Event({}, { region: 'eu-west-1' }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({}, { region: 'us-east-1' }))).toBe(false);
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-anything-but-suffix
  describe('Operator: anything-but with suffix', () => {
    const notTxt = onDetail('FileName', [{ 'anything-but': { suffix: '.txt' } }]);

    it.each([
      ['notes.md', true],
      ['notes.TXT', true],
      ['notes.txt', false],
    ])('matches FileName %j: %s', (FileName, expected) => {
      expect(testEventPattern(notTxt, ec2Event({ FileName }))).toBe(expected);
    });
  });

  // Outcomes recorded on AWS (TestEventPattern; localstack's validated event_pattern_templates
  // content_anything_{prefix,suffix,wildcard}_list*) and event-ruler's JsonRuleCompiler: the
  // inner prefix, suffix and wildcard each take a string or a list of strings.
  describe('Operator: anything-but with a list of prefixes or suffixes', () => {
    it.each([
      ['a value starting with none of them', { prefix: ['init', 'test'] }, 'post-init', true],
      ['a value starting with the second', { prefix: ['init', 'post'] }, 'post-init', false],
      ['a number', { prefix: ['init', 'test'] }, 12, true],
      ['null', { prefix: ['init', 'test'] }, null, true],
      ['a value ending with none of them', { suffix: ['.txt', '.jpg'] }, 'file.txt.bak', true],
      ['a value ending with the first', { suffix: ['.txt', '.jpg'] }, 'notes.txt', false],
      ['null, for suffixes', { suffix: ['.txt', '.jpg'] }, null, true],
      ['a value matching no wildcard', { wildcard: ['*/init/*', '*/dir/*'] }, 'a/b/c', true],
      [
        'a value matching the second wildcard',
        { wildcard: ['*/init/*', '*/dir/*'] },
        'x/dir/y',
        false,
      ],
      ['null, for wildcards', { wildcard: ['*/init/*', '*/dir/*'] }, null, true],
      ['a single empty wildcard, which excludes only ""', { wildcard: '' }, 'dir/init/file', true],
    ])('matches %s', (_name, excluded, value, expected) => {
      const pattern = onDetail('state', [{ 'anything-but': excluded }]);

      expect(testEventPattern(pattern, ec2Event({ state: value }))).toBe(expected);
    });

    it('does not match a missing field, whatever the list', () => {
      const pattern = onDetail('FileName', [{ 'anything-but': { suffix: ['.txt', '.jpg'] } }]);

      expect(testEventPattern(pattern, { detail: {} })).toBe(false);
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-anything-but-ignore-case
  describe('Operator: anything-but with equals-ignore-case', () => {
    it.each([
      ['one string', 'initializing', 'running', true],
      ['one string, in capitals', 'initializing', 'INITIALIZING', false],
      ['a list', ['Stopped', 'OverLoaded'], 'running', true],
      ['a list, other casing', ['Stopped', 'OverLoaded'], 'stopped', false],
      ['a list, other casing of the second', ['Stopped', 'OverLoaded'], 'OVERLOADED', false],
    ])('excludes %s', (_name, excluded, state, expected) => {
      const pattern = onDetail('state', [{ 'anything-but': { 'equals-ignore-case': excluded } }]);

      expect(testEventPattern(pattern, ec2Event({ state }))).toBe(expected);
    });
  });

  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-anything-but-wildcard
  describe('Operator: anything-but with wildcard', () => {
    it.each([
      ['one pattern', '*/lib/*', '/usr/bin/env', true],
      ['one pattern, matching', '*/lib/*', '/usr/lib/libc.so', false],
      ['a list', ['*/lib/*', '*/bin/*'], '/home/user/notes', true],
      ['a list, matching its second pattern', ['*/lib/*', '*/bin/*'], '/usr/bin/env', false],
    ])('excludes %s', (_name, excluded, FilePath, expected) => {
      const pattern = onDetail('FilePath', [{ 'anything-but': { wildcard: excluded } }]);

      expect(testEventPattern(pattern, ec2Event({ FilePath }))).toBe(expected);
    });
  });
});
