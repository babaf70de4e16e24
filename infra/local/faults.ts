import { InvalidFaultSpecError } from './errors.ts';

/** Faults to inject, to prove that consumers cope with duplicates and retries. */
interface FaultOptions {
  /** Probability (0..1) that a delivery or a queue batch is handed over twice. @default 0 */
  readonly duplicateRate?: number;
  /** Probability (0..1) that a handler run throws before the handler runs. @default 0 */
  readonly failRate?: number;
  /** Seed of the pseudo-random sequence, so a faulty run can be reproduced. @default - random */
  readonly seed?: number;
}

/** Decides, reproducibly from its seed, where faults strike. */
interface FaultInjector {
  readonly enabled: boolean;
  /** Whether this delivery (or batch) is handed over a second time. */
  duplicate(): boolean;
  /** Whether this handler run fails before the handler is called. */
  fail(): boolean;
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
 * A fault injector for the given options; with no rates it never strikes and draws nothing.
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
  const random = seededRandom(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  return {
    enabled: duplicateRate > 0 || failRate > 0,
    duplicate: () => duplicateRate > 0 && random() < duplicateRate,
    fail: () => failRate > 0 && random() < failRate,
  };
}

export type { FaultInjector, FaultOptions };
export { createFaultInjector, parseFaultSpec, seededRandom };
