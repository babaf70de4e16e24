import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../index.ts';
import { ec2Event, onDetail } from './events.ts';

describe('Function: testEventPattern', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-ip-matching
  describe('Operator: cidr', () => {
    const tenZeroZero = onDetail('sourceIPAddress', [{ cidr: '10.0.0.0/24' }]);

    it.each([
      ['10.0.0.0', true],
      ['10.0.0.24', true],
      ['10.0.0.255', true],
      ['10.0.1.0', false],
      ['9.255.255.255', false],
      ['10.0.0.256', false],
      ['10.0.0', false],
      ['not an address', false],
    ])('matches %j against 10.0.0.0/24: %s', (sourceIPAddress, expected) => {
      expect(testEventPattern(tenZeroZero, ec2Event({ sourceIPAddress }))).toBe(expected);
    });

    it.each([
      ['2001:db8::1', true],
      ['2001:DB8:0:0:ffff:ffff:ffff:ffff', true],
      ['2001:0db8:0000:0000:0000:0000:0000:0000', true],
      ['2001:db8:0:1::', false],
      ['10.0.0.1', false],
      ['2001:db8:::1', false],
    ])('matches %j against 2001:db8::/64: %s', (sourceIPAddress, expected) => {
      const pattern = onDetail('sourceIPAddress', [{ cidr: '2001:db8::/64' }]);

      expect(testEventPattern(pattern, ec2Event({ sourceIPAddress }))).toBe(expected);
    });

    it('takes the whole address space with /0', () => {
      const pattern = onDetail('sourceIPAddress', [{ cidr: '0.0.0.0/0' }]);

      expect(testEventPattern(pattern, ec2Event({ sourceIPAddress: '203.0.113.9' }))).toBe(true);
    });

    it('starts the block at the address as written, as EventBridge does', () => {
      const pattern = onDetail('sourceIPAddress', [{ cidr: '10.0.0.5/24' }]);

      expect(testEventPattern(pattern, ec2Event({ sourceIPAddress: '10.0.0.9' }))).toBe(true);
      expect(testEventPattern(pattern, ec2Event({ sourceIPAddress: '10.0.0.1' }))).toBe(false);
    });

    it('matches only strings', () => {
      expect(testEventPattern(tenZeroZero, ec2Event({ sourceIPAddress: 167772161 }))).toBe(false);
    });

    it('compares a plain address value as an address, however it is written', () => {
      const pattern = onDetail('sourceIPAddress', ['2001:db8::1']);

      expect(testEventPattern(pattern, ec2Event({ sourceIPAddress: '2001:DB8:0:0:0:0:0:1' }))).toBe(
        true,
      );
      expect(testEventPattern(pattern, ec2Event({ sourceIPAddress: '2001:db8::2' }))).toBe(false);
    });
  });
});
