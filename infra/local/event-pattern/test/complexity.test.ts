import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError, validateEventPattern } from '../index.ts';
import { wildcardComplexity } from '../wildcard-complexity.ts';

const TOO_COMPLEX =
  'Rule is too complex - try using fewer wildcard characters or fewer repeating character ' +
  'sequences after a wildcard character';

function reasonFor(pattern: object): string | undefined {
  try {
    validateEventPattern(pattern);
    return undefined;
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error.reason;
    throw error;
  }
}

describe('Function: wildcardComplexity', () => {
  // The expected values are event-ruler's (MachineComplexityEvaluatorTest): the largest number
  // of the field's wildcard prefixes one input value matches at once.
  it.each([
    [['*'], 1],
    [['abc'], 1],
    [['*ab'], 2],
    [['*aa'], 3],
    [['a*bbb'], 4],
    [['*ab*ad'], 4],
    [['a*b*bb'], 5],
    [['a*b*cd'], 3],
    [['*ab*b*b*'], 7],
    [['*a*a*a*a*a*a*a*a*'], 17],
    [['a*a*a*a*a*a*'], 11],
    [['ab*c', 'ab*c'], 2],
    [['ab*c', 'x*xx'], 3],
    [['a*aaa', 'aa*aa'], 7],
    [['ab*cd', 'ab*wx', 'ab*yz'], 6],
    [['F*eatureFeature', 'Fe*atureFeature', 'Fea*tureFeature'], 10],
  ])('rates %j at %i', (wildcards, expected) => {
    expect(wildcardComplexity(wildcards, 100)).toBe(expected);
  });

  it('rates event-ruler\'s "Quamina exploder" word list at 45', () => {
    const words = [
      'aahed*',
      'aal*ii',
      'aargh*',
      'aarti*',
      'a*baca',
      '*abaci',
      'a*back',
      'ab*acs',
      'abaf*t',
      '*abaka',
      'ab*amp',
      'a*band',
      '*abase',
      'abash*',
      'abas*k',
      'ab*ate',
      'aba*ya',
      'abbas*',
      'abbed*',
      'ab*bes',
      'abbey*',
      '*abbot',
      'ab*cee',
      'abea*m',
      'abe*ar',
      'a*bele',
      'a*bers',
      'abet*s',
      '*abhor',
      'abi*de',
      'a*bies',
      '*abled',
    ];

    expect(wildcardComplexity(words, 100)).toBe(45);
  });

  it('stops at the limit', () => {
    expect(wildcardComplexity(['F*e*a*t*u*r*e*'.repeat(200)], 10)).toBe(10);
  });
});

describe('Function: validateEventPattern', () => {
  // Outcomes recorded on AWS: localstack's validated content_wildcard_* templates, and a rule
  // that AWS refused once a fourth "*:stack/<name>/*" value joined the field.
  describe('Rule: wildcard complexity', () => {
    it.each([
      ['arn:aws:events:us-east-1:*:event-bus/*'],
      ['/Users/*/dir/dir/dir/dir/dir/doc.txt'],
      ['/Users/*/doc.txt'],
    ])('accepts %s, as AWS does', (wildcard) => {
      expect(reasonFor({ EventBusArn: [{ wildcard }] })).toBeUndefined();
    });

    it('refuses *:*:*:*:*:event-bus/* with the reason AWS gives', () => {
      expect(reasonFor({ EventBusArn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] })).toBe(TOO_COMPLEX);
    });

    it('adds up the wildcards of one field: three stack names pass, four do not', () => {
      const names = ['SharedStack', 'IngestStack', 'LedgerStack', 'MonitoringStack'];
      const stacks = (count: number) => ({
        detail: { 'stack-id': names.slice(0, count).map((n) => ({ wildcard: `*:stack/${n}/*` })) },
      });

      expect(reasonFor(stacks(3))).toBeUndefined();
      expect(reasonFor(stacks(4))).toBe(TOO_COMPLEX);
    });

    it('rates each field on its own', () => {
      const pattern = {
        a: [{ wildcard: '*:stack/SharedStack/*' }, { wildcard: '*:stack/IngestStack/*' }],
        b: [{ wildcard: '*:stack/LedgerStack/*' }, { wildcard: '*:stack/MonitoringStack/*' }],
      };

      expect(reasonFor(pattern)).toBeUndefined();
    });

    it('counts a dotted field name and its nested spelling as one field', () => {
      const pattern = {
        'detail.stack-id': [{ wildcard: '*:stack/SharedStack/*' }, { wildcard: '*:stack/A/*' }],
        detail: { 'stack-id': [{ wildcard: '*:stack/B/*' }, { wildcard: '*:stack/C/*' }] },
      };

      expect(reasonFor(pattern)).toBe(TOO_COMPLEX);
    });

    it('does not count anything-but wildcards, as event-ruler counts only wildcard matches', () => {
      const pattern = { v: [{ 'anything-but': { wildcard: '*:*:*:*:*:event-bus/*' } }] };

      expect(reasonFor(pattern)).toBeUndefined();
    });

    it('names the field in the error', () => {
      try {
        validateEventPattern({ detail: { arn: [{ wildcard: '*:*:*:*:*:event-bus/*' }] } });
        expect.unreachable('the pattern is too complex');
      } catch (error) {
        expect((error as InvalidEventPatternError).path).toBe('detail.arn');
      }
    });
  });
});
