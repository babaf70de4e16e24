import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../index.ts';
import { ec2Event } from './events.ts';

// EventBridge reads field names flattened and joined with dots, in the pattern and in the
// event alike (event-ruler; outcomes recorded on AWS in localstack's validated
// dot_joining_{pattern,event}[_NEG] templates).
describe('Function: testEventPattern', () => {
  describe('Field names with dots', () => {
    it('matches a dotted pattern key against the nested event field', () => {
      const pattern = { detail: { 'state.status': ['running'] } };

      expect(testEventPattern(pattern, ec2Event({ state: { status: 'running' } }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ state: { status: 'stopped' } }))).toBe(false);
    });

    it('does not match a dotted pattern key whose nested object goes one level too deep', () => {
      const pattern = { detail: { 'state.status': { status: ['running'] } } };

      expect(testEventPattern(pattern, ec2Event({ state: { status: 'running' } }))).toBe(false);
    });

    it('matches a nested pattern against a dotted event key', () => {
      const pattern = { detail: { state: { status: ['running'] } } };

      expect(testEventPattern(pattern, ec2Event({ 'state.status': 'running' }))).toBe(true);
    });

    it('does not match a dotted event key whose nested object goes one level too deep', () => {
      const pattern = { detail: { state: { status: ['running'] } } };
      const event = ec2Event({ state: 'x', 'state.status': { status: 'running' } });

      expect(testEventPattern(pattern, event)).toBe(false);
    });

    it('matches a dotted pattern key against a dotted event key', () => {
      const pattern = { 'detail.state.status': ['running'] };

      expect(testEventPattern(pattern, { 'detail.state.status': 'running' })).toBe(true);
    });

    it('reads several dotted event keys as one nested object', () => {
      const pattern = { detail: { state: { status: ['running'], code: [16] } } };
      const event = ec2Event({ 'state.status': 'running', 'state.code': 16 });

      expect(testEventPattern(pattern, event)).toBe(true);
    });

    it('reads a nested object and dotted keys beside it as one object', () => {
      const pattern = { detail: { state: { status: ['running'], code: [16] } } };
      const event = ec2Event({ state: { status: 'running' }, 'state.code': 16 });

      expect(testEventPattern(pattern, event)).toBe(true);
    });

    it('matches when either spelling of one field in the event holds the value', () => {
      const pattern = { detail: { 'state.status': ['running'] } };
      const event = ec2Event({ state: { status: 'stopped' }, 'state.status': 'running' });

      expect(testEventPattern(pattern, event)).toBe(true);
    });

    it('adds up the values of one field named twice in the pattern, like a repeated key', () => {
      const pattern = {
        detail: { 'location.region': [{ prefix: 'us-' }], location: { region: ['eu-west-1'] } },
      };

      expect(testEventPattern(pattern, ec2Event({ location: { region: 'eu-west-1' } }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ location: { region: 'us-east-1' } }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ location: { region: 'ap-south-1' } }))).toBe(
        false,
      );
    });

    it('needs every nested field of a dotted and a nested spelling together', () => {
      const pattern = { detail: { 'state.status': ['running'], state: { code: [16] } } };

      expect(testEventPattern(pattern, ec2Event({ state: { status: 'running', code: 16 } }))).toBe(
        true,
      );
      expect(testEventPattern(pattern, ec2Event({ state: { status: 'running', code: 48 } }))).toBe(
        false,
      );
    });

    it('applies exists to the flattened field', () => {
      const pattern = { detail: { 'state.status': [{ exists: false }] } };

      expect(testEventPattern(pattern, ec2Event({ state: { code: 16 } }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ 'state.status': 'running' }))).toBe(false);
    });

    it('keeps array consistency across dotted keys inside list items', () => {
      const pattern = { detail: { items: { 'a.b': ['x'], c: ['y'] } } };
      const matching = ec2Event({ items: [{ 'a.b': 'x', c: 'y' }] });
      const split = ec2Event({
        items: [
          { 'a.b': 'x', c: 'n' },
          { 'a.b': 'n', c: 'y' },
        ],
      });

      expect(testEventPattern(pattern, matching)).toBe(true);
      expect(testEventPattern(pattern, split)).toBe(false);
    });
  });
});
