import { ValidationError } from '../errors.ts';

type PathStep =
  | { readonly kind: 'field'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'wildcard' };

/** A compiled JSON path: the value it selects in a document, or `undefined` when absent. */
type JsonPathReader = (document: unknown) => unknown;

/**
 * Compiles the JSON path subset EventBridge evaluates in InputPath and InputPathsMap: `$`,
 * dot notation (names may hold dashes, underscores, slashes), array indexes `[0]` and the
 * wildcard `*` (`$.detail.items[*].id`), which selects a list.
 *
 * @example compileJsonPath('$.detail.amount')({ detail: { amount: 5 } }) // 5
 * @throws {ValidationError} when the path is not in that subset.
 */
function compileJsonPath(path: string): JsonPathReader {
  const steps = parseSteps(path);
  const hasWildcard = steps.some((step) => step.kind === 'wildcard');
  return (document) => {
    const found = select(document, steps, 0);
    if (!hasWildcard) return found[0];
    return found;
  };
}

function parseSteps(path: string): PathStep[] {
  if (!path.startsWith('$')) invalid(path, 'it must start with "$"');
  const steps: PathStep[] = [];
  let at = 1;
  while (at < path.length) {
    const char = path[at];
    if (char === '.') {
      let end = at + 1;
      while (end < path.length && path[end] !== '.' && path[end] !== '[') end += 1;
      const name = path.slice(at + 1, end);
      if (name === '') invalid(path, `empty field name at ${at}`);
      steps.push(name === '*' ? { kind: 'wildcard' } : { kind: 'field', name });
      at = end;
    } else if (char === '[') {
      const end = path.indexOf(']', at);
      if (end === -1) invalid(path, `unclosed "[" at ${at}`);
      const inside = path.slice(at + 1, end);
      if (inside === '*') steps.push({ kind: 'wildcard' });
      else if (/^\d+$/.test(inside)) steps.push({ kind: 'index', index: Number(inside) });
      else invalid(path, `"[${inside}]" is neither an index nor "*"`);
      at = end + 1;
    } else {
      invalid(path, `unexpected "${char}" at ${at}`);
    }
  }
  return steps;
}

function select(value: unknown, steps: readonly PathStep[], from: number): unknown[] {
  if (value === undefined) return [];
  const step = steps[from];
  if (step === undefined) return [value];
  if (step.kind === 'wildcard') {
    if (typeof value !== 'object' || value === null) return [];
    const children = Array.isArray(value) ? value : Object.values(value);
    return children.flatMap((child) => select(child, steps, from + 1));
  }
  return select(childOf(value, step), steps, from + 1);
}

function childOf(value: unknown, step: PathStep): unknown {
  if (step.kind === 'index') return Array.isArray(value) ? value[step.index] : undefined;
  if (step.kind !== 'field' || typeof value !== 'object' || value === null) return undefined;
  if (Array.isArray(value) || !Object.hasOwn(value, step.name)) return undefined;
  return (value as Record<string, unknown>)[step.name];
}

function invalid(path: string, reason: string): never {
  throw new ValidationError(`JSON path "${path}" is not valid: ${reason}`);
}

export type { JsonPathReader };
export { compileJsonPath };
