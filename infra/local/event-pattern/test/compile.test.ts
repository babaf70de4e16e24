import { describe, expect, it } from 'vitest';
import { compileEventPattern, InvalidEventPatternError, testEventPattern } from '../index.ts';
import { ec2Event } from './events.ts';

describe('Function: compileEventPattern', () => {
  it('matches many events with one compiled pattern', () => {
    const compiled = compileEventPattern({ detail: { state: ['running', 'pending'] } });
    const states = ['running', 'stopped', 'pending', 'terminated'];

    const results = states.map((state) => compiled.matches(ec2Event({ state })));

    expect(results).toEqual([true, false, true, false]);
  });

  it('refuses an invalid pattern when compiling, before any event is seen', () => {
    expect(() => compileEventPattern({ source: 'aws.ec2' })).toThrowError(InvalidEventPatternError);
  });

  it('keeps matching the pattern as compiled when the caller changes the object later', () => {
    const pattern = { source: ['aws.ec2'] };
    const compiled = compileEventPattern(pattern);

    pattern.source = ['aws.s3'];

    expect(compiled.matches(ec2Event())).toBe(true);
  });

  it('does not match, and does not throw on, an event of an unexpected shape', () => {
    const compiled = compileEventPattern({ detail: { state: ['running'] } });

    expect(compiled.matches({ detail: 'running' })).toBe(false);
    expect(compiled.matches({ detail: [null, 7, { state: 'running' }] })).toBe(true);
  });

  it('compiles a pattern given as JSON text', () => {
    const compiled = compileEventPattern('{"detail":{"c-count":[{"numeric":[">",0,"<=",5]}]}}');

    expect(compiled.matches(ec2Event({ 'c-count': 5 }))).toBe(true);
    expect(compiled.matches(ec2Event({ 'c-count': 6 }))).toBe(false);
  });
});

describe('Function: testEventPattern', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
  describe('JSON text input', () => {
    it('takes the pattern and the event as JSON text, like the API', () => {
      const pattern = '{"source":["aws.ec2"],"detail":{"state":["terminated"]}}';

      expect(testEventPattern(pattern, JSON.stringify(ec2Event()))).toBe(true);
      expect(testEventPattern(pattern, JSON.stringify(ec2Event({ state: 'running' })))).toBe(false);
    });

    it('mixes text and objects', () => {
      expect(testEventPattern({ source: ['aws.ec2'] }, JSON.stringify(ec2Event()))).toBe(true);
      expect(testEventPattern('{"source":["aws.ec2"]}', ec2Event())).toBe(true);
    });

    it('reads an event object through JSON, so a date is matched as its text', () => {
      const event = ec2Event({}, { time: new Date('2017-10-02T18:43:48Z') });

      expect(testEventPattern({ time: [{ prefix: '2017-10-02' }] }, event)).toBe(true);
    });

    it('reads a pattern object through JSON, so an undefined field is not there', () => {
      const pattern = { source: ['aws.ec2'], region: undefined };

      expect(testEventPattern(pattern, ec2Event())).toBe(true);
    });

    it('says when the event is not JSON', () => {
      expect(() => testEventPattern({ source: ['aws.ec2'] }, '{"source":')).toThrowError(
        /^Event is not valid JSON/,
      );
    });

    it('says when the event is not a JSON object', () => {
      expect(() => testEventPattern({ source: ['aws.ec2'] }, '["aws.ec2"]')).toThrowError(
        new TypeError('Event must be a JSON object, got ["aws.ec2"]'),
      );
    });

    it('reports an invalid pattern whatever the event', () => {
      expect(() => testEventPattern('{"source":"aws.ec2"}', '{"source":"aws.ec2"}')).toThrowError(
        'Event pattern is invalid at "source"',
      );
    });
  });
});
