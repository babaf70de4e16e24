import { isJsonObject } from './json.ts';
import type { JsonObject } from './types.ts';

// EventBridge matches flattened field names: {"state.status": "running"} in an event is the
// field state.status, exactly like {"state": {"status": "running"}} (event-ruler joins names
// with dots; outcomes recorded on AWS agree). An object's dotted keys are grouped once, by
// their first segment, and the grouping is kept for as long as the object lives: every rule
// of a bus looks at the same event object, and most objects have no dotted key at all.
const dottedKeysOf = new WeakMap<JsonObject, ReadonlyMap<string, JsonObject> | null>();

function groupDottedKeys(object: JsonObject): ReadonlyMap<string, JsonObject> | null {
  let groups: Map<string, JsonObject> | null = null;
  for (const key of Object.keys(object)) {
    const dot = key.indexOf('.');
    if (dot < 0) continue;
    groups ??= new Map();
    const head = key.slice(0, dot);
    const group = groups.get(head) ?? {};
    group[key.slice(dot + 1)] = object[key];
    groups.set(head, group);
  }
  return groups;
}

/** Two values the event gives one field: a list of both, as a JSON array would hold them. */
function both(first: unknown, second: unknown): unknown[] {
  const list = Array.isArray(first) ? [...first] : [first];
  if (Array.isArray(second)) list.push(...second);
  else list.push(second);
  return list;
}

function mergeObjects(own: JsonObject, dotted: JsonObject): JsonObject {
  const merged: JsonObject = { ...own };
  for (const [key, value] of Object.entries(dotted)) {
    merged[key] = Object.hasOwn(merged, key) ? both(merged[key], value) : value;
  }
  return merged;
}

/**
 * The keys of an event object that start with `key.`, as one nested object of their
 * remainders; `undefined` when there are none (the common case, answered from a cache).
 *
 * @example dottedGroup({ 'state.status': 'running' }, 'state') // { status: 'running' }
 */
function dottedGroup(object: JsonObject, key: string): JsonObject | undefined {
  let groups = dottedKeysOf.get(object);
  if (groups === undefined) {
    groups = groupDottedKeys(object);
    dottedKeysOf.set(object, groups);
  }
  return groups?.get(key);
}

/**
 * What the nested fields of a pattern see at a field that the event also names with dotted
 * keys: the flattened fields of both. The dotted fields join the own object, or every object
 * of an own list (they are not inside the list, so they go with each of its items); a leaf of
 * its own has no fields to add.
 *
 * @example nestedValue({ status: 'running' }, { code: 16 }) // { status: 'running', code: 16 }
 */
function nestedValue(own: unknown, dotted: JsonObject): unknown {
  if (isJsonObject(own)) return mergeObjects(own, dotted);
  if (!Array.isArray(own)) return dotted;
  const merged = own.map((item) => (isJsonObject(item) ? mergeObjects(item, dotted) : item));
  return merged.some(isJsonObject) ? merged : [...own, dotted];
}

export { dottedGroup, nestedValue };
