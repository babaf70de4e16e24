import { describe, expect, it } from 'vitest';
import {
  decodeCursor,
  encodeCursor,
  HttpProblem,
  nextCursorOf,
  pageRequestOf,
} from '../../src/http/index.ts';
import { pageOf } from '../../src/pages.ts';

describe('Function: encodeCursor / decodeCursor', () => {
  it('gives back the key a cursor was made from, whatever its characters', () => {
    for (const key of ['C2', '2026-11-03T10:00:00.000Z C2:T1012', 'Zoë/..']) {
      expect(decodeCursor(encodeCursor(key))).toBe(key);
    }
  });

  it.each([
    ['../etc/passwd', 'not base64url'],
    ['QzI=', 'not base64url'],
    ['Q', 'not a cursor this API handed out'],
    ['x'.repeat(513), 'longer than 512'],
  ])('refuses "%s" as a 400 problem (%s)', (cursor, why) => {
    const refused = (() => {
      try {
        decodeCursor(cursor);
      } catch (error) {
        return error;
      }
      return undefined;
    })();

    expect(refused).toBeInstanceOf(HttpProblem);
    expect((refused as HttpProblem).status).toBe(400);
    expect((refused as HttpProblem).message).toContain(why);
  });
});

describe('Function: pageOf', () => {
  const key = (n: number) => String(n);

  it('keeps at most limit items and names the last as next when one more was read', () => {
    expect(pageOf([1, 2, 3], 2, key)).toEqual({ items: [1, 2], next: '2' });
  });

  it('has no next when no more than limit items were read', () => {
    expect(pageOf([1, 2], 2, key)).toEqual({ items: [1, 2] });
    expect(pageOf([], 2, key)).toEqual({ items: [] });
  });
});

describe('Functions: pageRequestOf, nextCursorOf', () => {
  it('turns a page query into the store request and a page end into nextCursor', () => {
    expect(pageRequestOf({ limit: 50 })).toEqual({ after: undefined, limit: 50 });
    expect(pageRequestOf({ limit: 2, cursor: encodeCursor('C2') })).toEqual({
      after: 'C2',
      limit: 2,
    });
    expect(nextCursorOf(undefined)).toEqual({});
    expect(nextCursorOf('C2')).toEqual({ nextCursor: encodeCursor('C2') });
  });

  it('refuses a cursor it did not hand out, as decodeCursor does', () => {
    expect(() => pageRequestOf({ limit: 2, cursor: 'not a cursor' })).toThrowError(HttpProblem);
  });
});
