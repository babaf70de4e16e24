import { HttpProblem } from './problem.ts';

/** A cursor longer than this is refused unread: keys are ids, not documents. */
const MAX_CURSOR_LENGTH = 512;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The opaque cursor an API hands out for the key a page ended at (base64url of the key).
 *
 * @example encodeCursor('C2') // 'QzI'
 */
function encodeCursor(key: string): string {
  return Buffer.from(key, 'utf8').toString('base64url');
}

/**
 * The key a cursor stands for.
 *
 * @example decodeCursor('QzI') // 'C2'
 * @throws {HttpProblem} 400 `invalid-cursor` when it is not a cursor this API handed out.
 */
function decodeCursor(cursor: string): string {
  const refuse = (why: string) =>
    new HttpProblem(400, 'invalid-cursor', `cursor "${cursor.slice(0, 40)}": ${why}`, {
      extensions: { parameter: 'cursor' },
    });
  if (cursor.length > MAX_CURSOR_LENGTH) throw refuse(`longer than ${MAX_CURSOR_LENGTH}`);
  if (!BASE64URL.test(cursor)) throw refuse('not base64url (A-Z a-z 0-9 - _)');
  const bytes = Buffer.from(cursor, 'base64url');
  const key = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  if (key === '' || encodeCursor(key) !== cursor) {
    throw refuse('not a cursor this API handed out (pass nextCursor back as it is)');
  }
  return key;
}

/**
 * The store's page request for a page query's `limit` and `cursor` (the first page without one).
 *
 * @example pageRequestOf({ limit: 50, cursor: 'QzI' }) // { after: 'C2', limit: 50 }
 * @throws {HttpProblem} 400 `invalid-cursor` as {@link decodeCursor}.
 */
function pageRequestOf(query: { readonly limit: number; readonly cursor?: string | undefined }): {
  after: string | undefined;
  limit: number;
} {
  const { limit, cursor } = query;
  return { after: cursor === undefined ? undefined : decodeCursor(cursor), limit };
}

/**
 * A page's `nextCursor` field, spread into its response: none on the last page.
 *
 * @example { items, ...nextCursorOf(page.next) }
 */
function nextCursorOf(next: string | undefined): { nextCursor?: string } {
  return next === undefined ? {} : { nextCursor: encodeCursor(next) };
}

export { decodeCursor, encodeCursor, MAX_CURSOR_LENGTH, nextCursorOf, pageRequestOf };
