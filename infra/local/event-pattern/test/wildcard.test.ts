import { describe, expect, it } from 'vitest';
import { testEventPattern } from '../index.ts';
import { ec2Event, onDetail } from './events.ts';

describe('Function: testEventPattern', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-event-patterns-content-based-filtering.html#eb-filtering-wildcard-matching
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern-operators.html
  // ("Wildcard": any file with a .png extension, located within the folder "dir")
  describe('Operator: wildcard', () => {
    const pngInDir = onDetail('FileName', [{ wildcard: 'dir/*.png' }]);

    it.each([
      ['dir/image.png', true],
      ['dir/.png', true],
      ['dir/sub/image.png', true],
      ['dir/image.jpg', false],
      ['other/image.png', false],
      ['dir/image.png.bak', false],
    ])('matches FileName %j against dir/*.png: %s', (FileName, expected) => {
      expect(testEventPattern(pngInDir, ec2Event({ FileName }))).toBe(expected);
    });

    it('matches an event bus ARN with wildcards for the account and the bus name', () => {
      const pattern = onDetail('EventBusArn', [
        { wildcard: 'arn:aws:events:us-east-1:*:event-bus/*' },
      ]);

      const matching = ec2Event({
        EventBusArn: 'arn:aws:events:us-east-1:123456789012:event-bus/txnflow',
      });
      const otherRegion = ec2Event({
        EventBusArn: 'arn:aws:events:eu-west-1:123456789012:event-bus/txnflow',
      });

      expect(testEventPattern(pattern, matching)).toBe(true);
      expect(testEventPattern(pattern, otherRegion)).toBe(false);
    });

    it.each([
      ['a literal star escaped as \\*', 'price\\*', 'price*', true],
      ['an escaped star not standing for other text', 'price\\*', 'prices', false],
      ['a literal backslash escaped as \\\\', 'C:\\\\*', 'C:\\temp', true],
      ['a wildcard right after an escaped star', 'a\\**', 'a*bc', true],
      ['no wildcard: the whole value', 'exact', 'exact', true],
      ['no wildcard: nothing more', 'exact', 'exactly', false],
      ['a lone star: any string', '*', '', true],
      ['pieces in order only', '*b*a*', 'ab', false],
    ])('handles %s', (_name, wildcard, value, expected) => {
      expect(testEventPattern(onDetail('v', [{ wildcard }]), ec2Event({ v: value }))).toBe(
        expected,
      );
    });

    it('matches only strings', () => {
      expect(testEventPattern(onDetail('v', [{ wildcard: '1*' }]), ec2Event({ v: 10 }))).toBe(
        false,
      );
    });

    it('matches a long value against a long pattern in one pass, without backtracking', () => {
      // Wildcards are matched as literal pieces in order (see wildcard.ts), never as a
      // backtracking regular expression. The literal has no repeating sequence, so AWS's
      // complexity limit accepts it however long it is.
      const literal = Array.from({ length: 300 }, (_, i) => `<${i}>`).join('');
      const pattern = onDetail('v', [{ wildcard: `*${literal}*c` }]);
      const noise = literal.slice(0, -1).repeat(50);

      expect(testEventPattern(pattern, ec2Event({ v: `${noise}${literal}x` }))).toBe(false);
      expect(testEventPattern(pattern, ec2Event({ v: `${noise}${literal}xc` }))).toBe(true);
    });
  });
});
