import { describe, expect, it } from 'vitest';
import { InvalidEventPatternError, validateEventPattern } from '../index.ts';

function rejectionOf(pattern: string | object): InvalidEventPatternError {
  try {
    validateEventPattern(pattern);
  } catch (error) {
    if (error instanceof InvalidEventPatternError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(pattern)} to be rejected`);
}

const onX = (values: unknown) => ({ x: values });

describe('Function: validateEventPattern', () => {
  // https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-create-pattern.html
  // https://docs.aws.amazon.com/eventbridge/latest/APIReference/API_TestEventPattern.html
  // (InvalidEventPatternException: "The event pattern is not valid.")
  it('accepts the documented complex example', () => {
    const pattern = {
      time: [{ prefix: '2017-10-02' }],
      detail: {
        state: [{ 'anything-but': 'initializing' }],
        'c-count': [{ numeric: ['>', 0, '<=', 5] }],
        'd-count': [{ numeric: ['<', 10] }],
        'x-limit': [{ 'anything-but': [100, 200, 300] }],
      },
    };

    expect(() => validateEventPattern(pattern)).not.toThrow();
  });

  it('names the place and the reason, as in the error message users see', () => {
    const error = rejectionOf({ detail: { amount: [{ numerc: ['>', 0] }] } });

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('InvalidEventPatternError');
    expect(error.path).toBe('detail.amount[0]');
    expect(error.message).toMatch(
      /^Event pattern is invalid at "detail\.amount\[0\]": unknown operator "numerc"/,
    );
  });

  it('keeps the JSON parser error as the cause', () => {
    const error = rejectionOf('{"source": [');

    expect(error.path).toBe('');
    expect(error.message).toContain('Event pattern is invalid at the top level: is not valid JSON');
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('names a dotted field name by the flattened path EventBridge reads it as', () => {
    expect(rejectionOf({ detail: { 'a.b': 'x' } }).path).toBe('detail.a.b');
  });

  it.each([
    ['a JSON string', '"aws.s3"', 'must be a JSON object'],
    ['a JSON array', '[{"source":["aws.s3"]}]', 'must be a JSON object'],
    ['JSON null', 'null', 'must be a JSON object'],
    ['the empty pattern {}', {}, 'empty objects are not allowed'],
    ['longer than EventBridge allows', { source: ['a'.repeat(4100)] }, 'at most 4096'],
  ])('rejects %s as a whole', (_name, pattern, reason) => {
    const error = rejectionOf(pattern);

    expect(error.path).toBe('');
    expect(error.reason).toContain(reason);
  });

  it.each([
    ['a leaf that is a string', { source: 'aws.s3' }, 'source', 'such as ["aws.s3"]'],
    ['a leaf that is a number', { detail: { count: 5 } }, 'detail.count', 'list of values'],
    ['a leaf that is null', { detail: { id: null } }, 'detail.id', 'list of values'],
    ['a leaf that is a boolean', { detail: { ok: true } }, 'detail.ok', 'list of values'],
    ['an empty list', { source: [] }, 'source', 'empty lists are not allowed'],
    ['an empty nested object', { detail: {} }, 'detail', 'empty objects are not allowed'],
    ['a list inside the list', { source: [['aws.s3']] }, 'source[0]', 'nested lists'],
    ['an unknown operator', onX([{ 'begins-with': 'a' }]), 'x[0]', 'unknown operator'],
    ['an operator object with two keys', onX([{ prefix: 'a', suffix: 'b' }]), 'x[0]', '2 ('],
    ['an operator object with no key', onX(['a', {}]), 'x[1]', 'got none'],
  ])('rejects %s', (_name, pattern, path, reason) => {
    const error = rejectionOf(pattern);

    expect(error.path).toBe(path);
    expect(error.message).toContain(`at "${path}"`);
    expect(error.reason).toContain(reason);
  });

  it.each([
    ['an odd number of items', ['>', 0, '<'], 'x[0].numeric', 'pairs'],
    ['a bound that is a string', ['>', '5'], 'x[0].numeric[1]', 'JSON number'],
    ['an unknown comparison', ['==', 3], 'x[0].numeric[0]', 'unknown comparison "=="'],
    ['"<" used twice', ['<', 1, '<', 2], 'x[0].numeric', 'two upper bounds'],
    ['">" used twice', ['>', 1, '>=', 2], 'x[0].numeric', 'two lower bounds'],
    ['a lower bound above the upper one', ['>', 10, '<', 5], 'x[0].numeric', 'less than'],
    ['equal bounds', ['>=', 5, '<=', 5], 'x[0].numeric', 'less than'],
    ['the upper bound first', ['<', 10, '>', 0], 'x[0].numeric', 'lower bound'],
    ['"=" with another comparison', ['=', 3, '<', 5], 'x[0].numeric', 'only comparison'],
    ['three comparisons', ['>', 0, '<', 5, '<', 6], 'x[0].numeric', 'at most one lower'],
    ['an empty list', [], 'x[0].numeric', 'list of comparisons'],
    ['a number instead of a list', 5, 'x[0].numeric', 'list of comparisons'],
    ['a bound beyond 5e9', ['>', 6e9], 'x[0].numeric[1]', 'out of range'],
    ['a bound with 7 decimals', ['>', 0.0000001], 'x[0].numeric[1]', '6 digits'],
  ])('rejects numeric with %s', (_name, numeric, path, reason) => {
    const error = rejectionOf(onX([{ numeric }]));

    expect(error.path).toBe(path);
    expect(error.reason).toContain(reason);
  });

  it.each([
    ['an address that is not one', '10.0.0.256/24', 'not an IPv4 or IPv6'],
    ['no prefix length', '10.0.0.0', 'malformed CIDR'],
    ['two slashes', '10.0.0.0/8/8', 'malformed CIDR'],
    ['a prefix length that is not a number', '10.0.0.0/abc', 'whole number'],
    ['an IPv4 prefix length of 33', '10.0.0.0/33', 'out of range'],
    ['an IPv4 prefix length of 32', '10.0.0.1/32', 'out of range'],
    ['an IPv6 prefix length of 129', '2001:db8::/129', 'out of range'],
    ['a host name', 'example.com/24', 'not an IPv4 or IPv6'],
    ['a number', 10, 'takes a string'],
  ])('rejects cidr with %s', (_name, cidr, reason) => {
    const error = rejectionOf(onX([{ cidr }]));

    expect(error.path).toBe('x[0].cidr');
    expect(error.reason).toContain(reason);
  });

  it.each([
    ['prefix with a number', { prefix: 5 }, 'x[0].prefix', 'takes a string'],
    ['prefix with a list', { prefix: ['a'] }, 'x[0].prefix', 'takes a string'],
    ['prefix with another inner key', { prefix: { wildcard: 'a*' } }, 'x[0].prefix', 'only'],
    [
      'prefix with a number to ignore case',
      { prefix: { 'equals-ignore-case': 5 } },
      'x[0].prefix.equals-ignore-case',
      'takes a string',
    ],
    ['suffix with null', { suffix: null }, 'x[0].suffix', 'takes a string'],
    [
      'equals-ignore-case with a list',
      { 'equals-ignore-case': ['a'] },
      'x[0].equals-ignore-case',
      'string',
    ],
    ['exists with a string', { exists: 'true' }, 'x[0].exists', 'true or false'],
    ['wildcard with **', { wildcard: 'a**b' }, 'x[0].wildcard', 'consecutive wildcard'],
    ['wildcard with an unknown escape', { wildcard: 'a\\b' }, 'x[0].wildcard', 'invalid escape'],
    ['wildcard ending in a backslash', { wildcard: 'a\\' }, 'x[0].wildcard', 'invalid escape'],
    ['wildcard with a number', { wildcard: 1 }, 'x[0].wildcard', 'takes a string'],
  ])('rejects %s', (_name, operator, path, reason) => {
    const error = rejectionOf(onX([operator]));

    expect(error.path).toBe(path);
    expect(error.reason).toContain(reason);
  });

  it.each([
    ['an empty list', [], 'x[0].anything-but', 'at least one value'],
    ['a list mixing strings and numbers', ['a', 1], 'x[0].anything-but', 'not a mix'],
    ['a list of booleans', [true], 'x[0].anything-but', 'not a mix'],
    ['a boolean', true, 'x[0].anything-but', 'takes a string, a number'],
    ['null', null, 'x[0].anything-but', 'takes a string, a number'],
    [
      'an unsupported inner operator',
      { numeric: ['>', 1] },
      'x[0].anything-but',
      '"numeric" is not',
    ],
    [
      'a prefix list holding a number',
      { prefix: [123, 'test'] },
      'x[0].anything-but.prefix[0]',
      'takes a string',
    ],
    [
      'a suffix list holding null',
      { suffix: [null, '.txt'] },
      'x[0].anything-but.suffix[0]',
      'takes a string',
    ],
    ['a prefix that is a number', { prefix: 123 }, 'x[0].anything-but.prefix', 'takes a string'],
    [
      'a prefix ignoring case',
      { prefix: { 'equals-ignore-case': 'file' } },
      'x[0].anything-but.prefix',
      'takes a string or a non-empty list',
    ],
    ['an empty prefix list', { prefix: [] }, 'x[0].anything-but.prefix', 'non-empty list'],
    ['an empty prefix', { prefix: '' }, 'x[0].anything-but.prefix', 'must not be empty'],
    [
      'an empty prefix in a list',
      { prefix: ['a', ''] },
      'x[0].anything-but.prefix[1]',
      'must not be empty',
    ],
    [
      'a wildcard list holding a number',
      { wildcard: [123, '*/dir/*'] },
      'x[0].anything-but.wildcard[0]',
      'takes a string',
    ],
    ['a wildcard that is a number', { wildcard: 123 }, 'x[0].anything-but.wildcard', 'string'],
    ['an empty suffix', { suffix: '' }, 'x[0].anything-but.suffix', 'must not be empty'],
    ['two inner operators', { prefix: 'a', suffix: 'b' }, 'x[0].anything-but', 'exactly one key'],
    [
      'equals-ignore-case with a number',
      { 'equals-ignore-case': [1] },
      'x[0].anything-but.equals-ignore-case[0]',
      'takes a string',
    ],
    ['a wildcard with **', { wildcard: '**' }, 'x[0].anything-but.wildcard', 'consecutive'],
    [
      'a wildcard list with a bad second item',
      { wildcard: ['a*', 'b**'] },
      'x[0].anything-but.wildcard[1]',
      'consecutive',
    ],
    ['a number beyond 5e9', 6e9, 'x[0].anything-but', 'out of range'],
  ])('rejects anything-but with %s', (_name, operand, path, reason) => {
    const error = rejectionOf(onX([{ 'anything-but': operand }]));

    expect(error.path).toBe(path);
    expect(error.reason).toContain(reason);
  });

  it.each([
    ['an object', { $or: { a: ['b'] } }, '$or', 'at least 2 objects'],
    ['a single alternative', { $or: [{ a: ['b'] }] }, '$or', 'at least 2 objects'],
    ['an alternative that is not an object', { $or: [{ a: ['b'] }, ['c']] }, '$or[1]', 'object'],
    ['an empty alternative', { $or: [{}, { a: ['b'] }] }, '$or[0]', 'empty objects'],
    [
      'an operator name as a field',
      { $or: [{ prefix: ['a'] }, { b: ['c'] }] },
      '$or[0].prefix',
      'reserved',
    ],
    [
      'an invalid nested field',
      { detail: { $or: [{ a: 'b' }, { c: ['d'] }] } },
      'detail.$or[0].a',
      'list',
    ],
  ])('rejects $or with %s', (_name, pattern, path, reason) => {
    const error = rejectionOf(pattern);

    expect(error.path).toBe(path);
    expect(error.reason).toContain(reason);
  });
});
