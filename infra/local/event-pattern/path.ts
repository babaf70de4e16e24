// Keys that read unambiguously after a dot; anything else (dots, spaces, quotes) is quoted in
// brackets so that `{"a.b": ...}` and `{"a": {"b": ...}}` get different paths.
const PLAIN_KEY = /^[A-Za-z_$][\w$-]*$/;

/**
 * The path of a field inside the object at `parent`.
 *
 * @example fieldPath('detail', 'state') // 'detail.state'
 */
function fieldPath(parent: string, key: string): string {
  if (!PLAIN_KEY.test(key)) return `${parent}[${JSON.stringify(key)}]`;
  return parent === '' ? key : `${parent}.${key}`;
}

/**
 * The path of an element of the array at `parent`.
 *
 * @example indexPath('detail.state', 0) // 'detail.state[0]'
 */
function indexPath(parent: string, index: number): string {
  return `${parent}[${index}]`;
}

export { fieldPath, indexPath };
