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

const isObject = (value: unknown): value is object => typeof value === 'object' && value !== null;

/**
 * A read-only view of an event detail that exposes the fields a consumer declared and
 * throws on a read of any other field of the event (one the detail holds or its schema
 * defines): reading `data.source.key` undeclared throws {@link UndeclaredFieldReadError}
 * naming the consumer and `/data/source/key`. Objects on the way to a declared field are
 * views too; keys listing and spreading show only declared fields. Symbols and names the
 * event does not have (`toJSON`, `then`) pass through, as on the plain object.
 *
 * @example const detail = guardReads(event.detail, { consumer: 'ledger', detailType, fields: ['/data/amount'], schema });
 */
function guardReads<T extends object>(detail: T, guard: ReadGuard): T {
  const declared = new Set(guard.fields);
  const onTheWay = new Set(
    guard.fields.flatMap((f) => {
      const parts = f.split('/').slice(1);
      return parts.slice(0, -1).map((_, i) => `/${parts.slice(0, i + 1).join('/')}`);
    }),
  );
  const exposed = (pointer: string): boolean =>
    declared.has(pointer) || guard.fields.some((f) => pointer.startsWith(`${f}/`));
  const views = new WeakMap<object, object>();

  function viewOf(target: object, at: string, node: SchemaNode | undefined): object {
    const cached = views.get(target);
    if (cached) return cached;
    /** Throws on a field of the event that is not declared; says whether it is on the way. */
    const check = (key: string): 'exposed' | 'on-the-way' | 'unknown' => {
      const pointer = `${at}/${key}`;
      if (exposed(pointer)) return 'exposed';
      if (onTheWay.has(pointer)) return 'on-the-way';
      if (Object.hasOwn(target, key) || Object.hasOwn(node?.properties ?? {}, key)) {
        throw new UndeclaredFieldReadError(guard.consumer, guard.detailType, pointer);
      }
      return 'unknown';
    };
    const visible = (key: string | symbol): boolean =>
      typeof key !== 'string' || exposed(`${at}/${key}`) || onTheWay.has(`${at}/${key}`);
    const view = new Proxy(target, {
      get(t, key, receiver) {
        if (typeof key !== 'string') return Reflect.get(t, key, receiver);
        const kind = check(key);
        const value: unknown = Reflect.get(t, key, receiver);
        if (kind !== 'on-the-way' || !isObject(value)) return value;
        return viewOf(value, `${at}/${key}`, node?.properties?.[key]);
      },
      has(t, key) {
        if (typeof key === 'string') check(key);
        return Reflect.has(t, key);
      },
      ownKeys: (t) => Reflect.ownKeys(t).filter(visible),
      getOwnPropertyDescriptor: (t, key) =>
        visible(key) ? Reflect.getOwnPropertyDescriptor(t, key) : undefined,
      set: () => false,
      defineProperty: () => false,
      deleteProperty: () => false,
    });
    views.set(target, view);
    return view;
  }

  return viewOf(detail, '', guard.schema as SchemaNode) as T;
}

export type { ReadGuard };
export { guardReads };
