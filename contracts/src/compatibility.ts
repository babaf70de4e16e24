/** A JSON Schema node, as far as the compatibility check reads it. */
interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly items?: SchemaNode;
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
}

/** One change between a released schema and the current one that would break someone. */
interface BreakingChange {
  /** JSON Pointer into the detail, e.g. `/data/amount`. */
  readonly path: string;
  readonly change: string;
}

const typeKey = (node: SchemaNode): string => [node.type ?? 'any'].flat().sort().join('|');

function compareNode(
  released: SchemaNode,
  current: SchemaNode,
  path: string,
  out: BreakingChange[],
): void {
  if (typeKey(released) !== typeKey(current)) {
    out.push({ path, change: `type changed from ${typeKey(released)} to ${typeKey(current)}` });
    return;
  }
  if (released.enum) {
    const kept = new Set((current.enum ?? released.enum).map((v) => JSON.stringify(v)));
    const dropped = released.enum.filter((v) => !kept.has(JSON.stringify(v)));
    if (dropped.length > 0) {
      out.push({ path, change: `enum narrowed: ${JSON.stringify(dropped)} no longer allowed` });
    }
  }
  if (released.pattern !== current.pattern) {
    out.push({ path, change: `pattern changed from ${released.pattern} to ${current.pattern}` });
  }
  if (released.format !== current.format) {
    out.push({ path, change: `format changed from ${released.format} to ${current.format}` });
  }
  compareProperties(released, current, path, out);
  if (released.items && current.items) compareNode(released.items, current.items, `${path}/*`, out);
}

function compareProperties(
  released: SchemaNode,
  current: SchemaNode,
  path: string,
  out: BreakingChange[],
): void {
  const nowRequired = new Set(current.required ?? []);
  const wasRequired = new Set(released.required ?? []);
  for (const [name, releasedChild] of Object.entries(released.properties ?? {})) {
    const currentChild = current.properties?.[name];
    if (!currentChild) {
      out.push({ path: `${path}/${name}`, change: 'property removed (or renamed)' });
      continue;
    }
    if (wasRequired.has(name) && !nowRequired.has(name)) {
      out.push({ path: `${path}/${name}`, change: 'no longer required: consumers rely on it' });
    }
    compareNode(releasedChild, currentChild, `${path}/${name}`, out);
  }
  for (const name of nowRequired) {
    if (!wasRequired.has(name)) {
      // Archived events lack it, so a replay of them would fail the new schema.
      out.push({ path: `${path}/${name}`, change: 'newly required: released events lack it' });
    }
  }
}

/**
 * Lists what in `current` would break a consumer (or an archived event) built against the
 * `released` copy of the same schema version: a required field removed, renamed, made
 * optional or retyped, an enum narrowed, a pattern or format changed, a new required field.
 * Adding optional fields is compatible.
 *
 * @example findBreakingChanges(releasedSchema, currentSchema) // [] when compatible
 */
function findBreakingChanges(released: object, current: object): BreakingChange[] {
  const out: BreakingChange[] = [];
  compareNode(released as SchemaNode, current as SchemaNode, '', out);
  return out;
}

export type { BreakingChange };
export { findBreakingChanges };
