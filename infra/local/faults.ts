import { InvalidFaultSpecError } from './errors.ts';

/** An event as the fault injector reads it: enough to tell what is being delivered. */
interface FaultEvent {
  readonly source?: unknown;
  readonly 'detail-type'?: unknown;
  readonly detail?: unknown;
  readonly 'replay-name'?: unknown;
}

/** One fault that struck: what, where, on what and on which attempt. */
interface InjectedFault {
  readonly kind: 'duplicate' | 'fail';
  /** The rule target (`<rule ARN>/<target id>`) or the mapping (`<queue ARN> -> <handler>`). */
  readonly target: string;
  /** What was being delivered, as {@link FaultOptions.eventKey} names it. */
  readonly key: string;
  readonly attempt: number;
}

/** Faults to inject, to prove that consumers cope with duplicates and retries. */
interface FaultOptions {
  /** Probability (0..1) that a delivery or a queue message is handed over twice. @default 0 */
  readonly duplicateRate?: number;
  /** Probability (0..1) that a handler run throws before the handler runs. @default 0 */
  readonly failRate?: number;
  /** Seed of the fault decisions, so a faulty run can be reproduced. @default - random */
  readonly seed?: number;
  /**
   * What an event is, for fault decisions: a key that is the same on every run (so not the
   * envelope's id or time). A decision depends on the seed, the target, this key and the
   * attempt only, never on the order deliveries happen in, so a seed strikes the same way
   * however the run interleaves. @default - the event's source, detail-type and detail
   */
  readonly eventKey?: (event: FaultEvent) => string;
  /** Told of every fault as it strikes (a drill's log, a test's record). */
  readonly onFault?: (fault: InjectedFault) => void;
}

/** What a fault decision is about. */
interface FaultSubject {
  readonly target: string;
  /** The event's key ({@link FaultInjector.keyOf}), or a message body's. */
  readonly key: string;
  /** 1 for a first delivery; a queue message counts its receives over its whole life. */
  readonly attempt: number;
}

/** Decides, reproducibly from its seed, where faults strike. */
interface FaultInjector {
  readonly enabled: boolean;
  /** The key of an event (parsed) or of a message body (text), for {@link FaultSubject}. */
  keyOf(eventOrBody: FaultEvent | string): string;
  /** Whether this delivery (or queue message) is handed over a second time. */
  duplicate(subject: FaultSubject): boolean;
  /** Whether this handler run fails before the handler is called. */
  fail(subject: FaultSubject): boolean;
}

const SPEC_KEYS = { duplicate: 'duplicateRate', fail: 'failRate', seed: 'seed' } as const;

/**
 * Reads a fault spec such as the `TXNFLOW_FAULTS` environment variable:
 * comma-separated `duplicate=RATE`, `fail=RATE`, `seed=INTEGER`. An empty spec means no faults.
 *
 * @example parseFaultSpec('duplicate=0.3,fail=0.2,seed=7') // { duplicateRate: 0.3, failRate: 0.2, seed: 7 }
 * @throws {InvalidFaultSpecError} on an unknown key, a rate outside 0..1 or a non-integer seed.
 */
function parseFaultSpec(spec: string): FaultOptions {
  const options: { duplicateRate?: number; failRate?: number; seed?: number } = {};
  for (const part of spec.split(',')) {
    const item = part.trim();
    if (item === '') continue;
    const [key = '', value = '', ...extra] = item.split('=').map((s) => s.trim());
    if (extra.length > 0 || value === '') {
      throw new InvalidFaultSpecError(spec, `"${item}" is not KEY=VALUE`);
    }
    if (!Object.hasOwn(SPEC_KEYS, key)) {
      throw new InvalidFaultSpecError(spec, `unknown key "${key}" (known: duplicate, fail, seed)`);
    }
    const number = Number(value);
    const field = SPEC_KEYS[key as keyof typeof SPEC_KEYS];
    if (field === 'seed') {
      if (!Number.isSafeInteger(number)) {
        throw new InvalidFaultSpecError(spec, `seed must be an integer, got "${value}"`);
      }
    } else if (!(number >= 0 && number <= 1)) {
      throw new InvalidFaultSpecError(
        spec,
        `${key} must be a rate between 0 and 1, got "${value}"`,
      );
    }
    options[field] = number;
  }
  return options;
}

/**
 * A pseudo-random sequence in [0, 1) from an integer seed (mulberry32): tiny, fast, good
 * enough to spread faults or generate test data, and the same sequence for the same seed.
 *
 * @example const random = seededRandom(7); random() // 0.0117...
 */
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A number in [0, 1) from a text and a seed (a 32-bit FNV-1a hash of the text, then
 * mulberry32's mixing of hash and seed): the same for the same text and seed on every run.
 *
 * @example hashToUnit('fail|Q|C1/T7|1', 7) // the same value every time
 */
function hashToUnit(text: string, seed: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i += 1) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  let t = (hash ^ seed) + 0x6d2b79f5;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

const defaultEventKey = (event: FaultEvent): string =>
  JSON.stringify([event.source, event['detail-type'], event.detail]);

/** A message body that is an EventBridge event, parsed; `undefined` for any other text. */
function eventIn(body: string): FaultEvent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  return 'detail-type' in value && 'source' in value ? (value as FaultEvent) : undefined;
}

/**
 * A fault injector for the given options; with no rates it never strikes. Each decision is a
 * function of the seed, the kind of fault, the target, what is delivered and the attempt.
 *
 * @example const faults = createFaultInjector({ failRate: 0.2, seed: 7 });
 * @throws {InvalidFaultSpecError} when a rate is outside 0..1.
 */
function createFaultInjector(options: FaultOptions = {}): FaultInjector {
  const duplicateRate = options.duplicateRate ?? 0;
  const failRate = options.failRate ?? 0;
  for (const [name, rate] of [
    ['duplicateRate', duplicateRate],
    ['failRate', failRate],
  ] as const) {
    if (!(rate >= 0 && rate <= 1)) {
      throw new InvalidFaultSpecError(`${name}=${rate}`, `${name} must be between 0 and 1`);
    }
  }
  const seed = (options.seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  const eventKey = options.eventKey ?? defaultEventKey;
  const strikes = (kind: InjectedFault['kind'], rate: number, subject: FaultSubject) => {
    if (rate === 0) return false;
    const text = `${kind}|${subject.target}|${subject.key}|${subject.attempt}`;
    const struck = hashToUnit(text, seed) < rate;
    if (struck) options.onFault?.({ kind, ...subject });
    return struck;
  };
  return {
    enabled: duplicateRate > 0 || failRate > 0,
    keyOf(eventOrBody) {
      const event = typeof eventOrBody === 'string' ? eventIn(eventOrBody) : eventOrBody;
      // A body that is not an event is itself what is delivered.
      if (!event) return String(eventOrBody);
      const replay = event['replay-name'];
      // A replayed event is delivered anew: its decisions are its own.
      return typeof replay === 'string' ? `${eventKey(event)}|replay:${replay}` : eventKey(event);
    },
    duplicate: (subject) => strikes('duplicate', duplicateRate, subject),
    fail: (subject) => strikes('fail', failRate, subject),
  };
}

export type { FaultEvent, FaultInjector, FaultOptions, FaultSubject, InjectedFault };
export { createFaultInjector, parseFaultSpec, seededRandom };
