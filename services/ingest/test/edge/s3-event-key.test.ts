import { describe, expect, it } from 'vitest';
import { decodeEventKey, InvalidEventKeyError } from '../../src/edge/s3-event-key.ts';

describe('Function: decodeEventKey', () => {
  it.each([
    ['incoming/plain-name_1.txt', 'incoming/plain-name_1.txt'],
    ['incoming/my+file.txt', 'incoming/my file.txt'],
    ['incoming/a%2Bb.txt', 'incoming/a+b.txt'],
    ['incoming/100%25.txt', 'incoming/100%.txt'],
    ['incoming/%C3%A9.txt', 'incoming/é.txt'],
    ['incoming/%F0%9F%92%B6.txt', 'incoming/💶.txt'],
    ['incoming/my+file%2B1+%C3%A9.txt', 'incoming/my file+1 é.txt'],
    ['incoming/t+12%3A30.txt', 'incoming/t 12:30.txt'],
    // S3 was recorded leaving some characters as they are: those decode to themselves.
    ['incoming/t+12:30.txt', 'incoming/t 12:30.txt'],
    ['incoming%2Fa.txt', 'incoming/a.txt'],
  ])('decodes %j to the key %j', (encoded, key) => {
    expect(decodeEventKey(encoded)).toBe(key);
  });

  it.each([
    ['incoming/100%.txt', /a "%" is not followed by two hex digits/],
    ['incoming/%zz.txt', /a "%" is not followed by two hex digits/],
    ['%', /a "%" is not followed by two hex digits/],
    ['incoming/%C3.txt', /escapes bytes that are not UTF-8/],
    ['incoming/%FF.txt', /escapes bytes that are not UTF-8/],
  ])('refuses %j, which does not decode to a key, saying why', (encoded, reason) => {
    expect(() => decodeEventKey(encoded)).toThrow(InvalidEventKeyError);
    expect(() => decodeEventKey(encoded)).toThrow(reason);
    expect(() => decodeEventKey(encoded)).toThrow(JSON.stringify(encoded));
  });

  it('refuses a key that decodes to more bytes than an S3 key can have', () => {
    const encoded = `incoming/${'%C3%A9'.repeat(508)}`; // 9 + 1016 bytes once decoded

    expect(() => decodeEventKey(encoded)).toThrow(/decodes to 1025 bytes, more than the 1024/);
  });
});
