import { UndeclaredFieldReadError } from './errors.ts';

/** A JSON Schema node, as far as the guard reads it: which fields an object may have. */
interface SchemaNode {
  readonly properties?: Readonly<Record<string, SchemaNode>>;
}

/** Whose reads are guarded, which fields they declared, and the schema of what they read. */
interface ReadGuard {
  readonly consumer: string;
  readonly detailType: string;
  /** JSON Pointers into the detail; a declared object exposes everything under it. */
  readonly fields: readonly string[];
  /** The schema of the detail: a field it defines is a field one must declare to read. */
  readonly schema: object;
}

/**
 * One object of the detail as the guard sees it, worked out once per guard: which keys are
 * exposed whole, which lead on to declared fields, which the schema defines. Its proxy
 * handler is shared by the views of every event, so a view costs one Proxy and no closures.
 */
interface GuardNode {
  readonly exposed: ReadonlySet<string>;
  readonly onTheWay: ReadonlyMap<string, GuardNode>;
  readonly defined: ReadonlySet<string>;
  /** Views of objects under this node, so that `view.data === view.data`. */
  readonly views: WeakMap<object, object>;
  handler: ProxyHandler<object>;
}

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

function compileNode(guard: ReadGuard, at: string, schema: SchemaNode | undefined): GuardNode {
  const exposed = new Set<string>();
  const below = new Map<string, string[]>();
  for (const field of guard.fields) {
    if (!field.startsWith(`${at}/`)) continue;
    const [key = '', ...rest] = field.slice(at.length + 1).split('/');
    if (rest.length === 0) exposed.add(key);
    else below.set(key, [...(below.get(key) ?? []), field]);
  }
  const onTheWay = new Map<string, GuardNode>();
  for (const key of below.keys()) {
    // A key declared whole is exposed whole, whatever else is declared under it.
    if (!exposed.has(key))
      onTheWay.set(key, compileNode(guard, `${at}/${key}`, schema?.properties?.[key]));
  }
  const node: GuardNode = {
    exposed,
    onTheWay,
    defined: new Set(Object.keys(schema?.properties ?? {})),
    views: new WeakMap(),
    handler: {},
  };
  const undeclared = (key: string) =>
    new UndeclaredFieldReadError(guard.consumer, guard.detailType, `${at}/${key}`);
  /** A field of the event (held, or defined by the schema) that is not declared. */
  const isUndeclared = (target: object, key: string) =>
    !exposed.has(key) &&
    !onTheWay.has(key) &&
    (Object.hasOwn(target, key) || node.defined.has(key));
  const visible = (key: string | symbol): boolean =>
    typeof key !== 'string' || exposed.has(key) || onTheWay.has(key);
  node.handler = {
    get(target, key, receiver) {
      if (typeof key !== 'string' || exposed.has(key)) return Reflect.get(target, key, receiver);
      const child = onTheWay.get(key);
      const value: unknown = Reflect.get(target, key, receiver);
      if (child) return isObject(value) ? viewOf(value, child) : value;
      if (isUndeclared(target, key)) throw undeclared(key);
      return value;
    },
    has(target, key) {
      if (typeof key === 'string' && isUndeclared(target, key)) throw undeclared(key);
      return Reflect.has(target, key);
    },
    ownKeys: (target) => Reflect.ownKeys(target).filter(visible),
    getOwnPropertyDescriptor: (target, key) =>
      visible(key) ? Reflect.getOwnPropertyDescriptor(target, key) : undefined,
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  };
  return node;
}

function viewOf(target: object, node: GuardNode): object {
  const cached = node.views.get(target);
  if (cached) return cached;
  const view = new Proxy(target, node.handler);
  node.views.set(target, view);
  return view;
}

/**
 * Compiles a guard once (per consumer edge) into a function that wraps each event's detail
 * in a read-only view exposing the fields the consumer declared. A read of any other field
 * of the event (one the detail holds or its schema defines) throws
 * {@link UndeclaredFieldReadError} naming the consumer and the pointer (`/data/source/key`).
 * Objects on the way to a declared field are views too; listing keys and spreading show only
 * declared fields. Symbols and names the event does not have (`toJSON`, `then`) pass
 * through, as on the plain object.
 *
 * @example const guarded = compileReadGuard({ consumer: 'ledger', detailType, fields: ['/data/amount'], schema }); guarded(event.detail)
 */
function compileReadGuard(guard: ReadGuard): <T extends object>(detail: T) => T {
  const root = compileNode(guard, '', guard.schema as SchemaNode);
  return <T extends object>(detail: T) => new Proxy(detail, root.handler) as T;
}

/**
 * One detail guarded once (see {@link compileReadGuard}, which edges use to compile a guard
 * once for all their events).
 *
 * @example const detail = guardReads(event.detail, { consumer: 'ledger', detailType, fields: ['/data/amount'], schema });
 */
function guardReads<T extends object>(detail: T, guard: ReadGuard): T {
  return compileReadGuard(guard)(detail);
}

export type { ReadGuard };
export { compileReadGuard, guardReads };
