/**
 * Listings are read a page at a time, in key order (keyset pagination): a page asks for
 * what follows a key and at most `limit` items, and says which key to continue after when
 * more follow. Store ports take and return these; the HTTP APIs wrap `next` in an opaque
 * cursor.
 */

/** Which page: the items after `after` (from the start when absent), at most `limit` of them. */
interface PageRequest {
  readonly after?: string | undefined;
  readonly limit: number;
}

/** A page of items in key order; `next` is set exactly when more items follow. */
interface Page<T> {
  readonly items: readonly T[];
  /** The key to pass as `after` for the next page. */
  readonly next?: string;
}

/**
 * The page of `items` (already in key order and holding at most `limit` + 1 of them, read
 * one past the page to learn whether more follow) that the request asked for.
 *
 * @example pageOf([{ id: 'a' }, { id: 'b' }], 1, (i) => i.id) // { items: [{ id: 'a' }], next: 'a' }
 */
function pageOf<T>(items: readonly T[], limit: number, keyOf: (item: T) => string): Page<T> {
  if (items.length <= limit) return { items };
  const page = items.slice(0, limit);
  const last = page.at(-1);
  return last === undefined ? { items: page } : { items: page, next: keyOf(last) };
}

export type { Page, PageRequest };
export { pageOf };
