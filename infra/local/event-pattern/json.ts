import type { JsonLeaf, JsonObject } from './types.ts';

/**
 * Whether a value is a JSON object (not an array, not null).
 *
 * @example isJsonObject({ source: ['aws.s3'] }) // true
 */
function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Whether a value is a JSON string, number, boolean or null.
 *
 * @example isJsonLeaf(null) // true
 */
function isJsonLeaf(value: unknown): value is JsonLeaf {
  return (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'number' ||
    typeof value === 'boolean'
  );
}

/**
 * The value of an object's own field; inherited names such as `constructor` are not fields.
 *
 * @example ownField({ state: 'running' }, 'state') // 'running'
 */
function ownField(object: JsonObject, key: string): unknown {
  return Object.hasOwn(object, key) ? object[key] : undefined;
}

export { isJsonLeaf, isJsonObject, ownField };
