import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  LocalRuntime,
  type LocalRuntimeOptions,
  ManualClock,
  type PutEventsRequestEntry,
} from '../../index.ts';

type HarnessOptions = Partial<Omit<LocalRuntimeOptions, 'stateDir' | 'clock'>> & {
  /** @default - a ManualClock at 2024-03-01T12:00:00Z */
  readonly clock?: ManualClock;
};

/** Fast retries, no faults from the environment: what most tests want. */
const TEST_DEFAULTS: HarnessOptions = {
  retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
  env: {},
};

/**
 * A runtime on its own temporary state folder and a {@link ManualClock}: time moves only when
 * the test advances it, or when `runUntilIdle` has nothing left but timed work (then it skips
 * to the next timer). No test waits on the wall clock. `reopen` closes and opens the same
 * folder (a restart, on the same clock), `dispose` closes and deletes it.
 *
 * @example const h = await RuntimeHarness.create(); h.rt.putEvents([orderPlaced()]);
 */
class RuntimeHarness {
  readonly stateDir: string;
  readonly clock: ManualClock;
  #rt: LocalRuntime;
  readonly #options: HarnessOptions;

  private constructor(stateDir: string, options: HarnessOptions) {
    this.stateDir = stateDir;
    this.clock = options.clock ?? new ManualClock('2024-03-01T12:00:00.000Z');
    this.#options = { ...options, clock: this.clock };
    this.#rt = LocalRuntime.open({ ...TEST_DEFAULTS, ...this.#options, stateDir });
  }

  static async create(options: HarnessOptions = {}): Promise<RuntimeHarness> {
    const stateDir = await mkdtemp(join(tmpdir(), 'txnflow-runtime-'));
    return new RuntimeHarness(stateDir, options);
  }

  get rt(): LocalRuntime {
    return this.#rt;
  }

  /** Closes the runtime and opens the same state folder again, as a restarted process would. */
  reopen(options: HarnessOptions = {}): LocalRuntime {
    this.#rt.close();
    this.#rt = LocalRuntime.open({
      ...TEST_DEFAULTS,
      ...this.#options,
      ...options,
      stateDir: this.stateDir,
    });
    return this.#rt;
  }

  async dispose(): Promise<void> {
    this.#rt.close();
    await rm(this.stateDir, { recursive: true, force: true });
  }
}

/** A valid PutEvents entry; override what the test is about. */
function orderPlaced(overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry {
  return {
    Source: 'test.shop',
    DetailType: 'OrderPlaced',
    Detail: JSON.stringify({ orderId: 'o-1', amount: 120 }),
    ...overrides,
  };
}

/** An order with its own id, for tests that count events. */
function order(n: number, overrides: Partial<PutEventsRequestEntry> = {}): PutEventsRequestEntry {
  return orderPlaced({ Detail: JSON.stringify({ orderId: `o-${n}`, amount: n }), ...overrides });
}

/** Puts any number of entries in PutEvents calls of 10; fails the test on any failed entry. */
function putAll(rt: LocalRuntime, entries: readonly PutEventsRequestEntry[]): string[] {
  const ids: string[] = [];
  for (let i = 0; i < entries.length; i += 10) {
    const result = rt.putEvents(entries.slice(i, i + 10));
    if (result.FailedEntryCount > 0) throw new Error(JSON.stringify(result.Entries));
    for (const e of result.Entries) if ('EventId' in e) ids.push(e.EventId);
  }
  return ids;
}

/** Routes `test.shop` events on a bus to one target. */
function routeOrders(
  rt: LocalRuntime,
  target: Parameters<LocalRuntime['putTargets']>[0]['targets'][number],
  eventBusName = 'default',
  rule = 'Orders',
): void {
  rt.putRule({ name: rule, eventBusName, eventPattern: { source: ['test.shop'] } });
  rt.putTargets({ rule, eventBusName, targets: [target] });
}

const IDLE = { timeoutMs: 10_000 } as const;

export { IDLE, order, orderPlaced, putAll, RuntimeHarness, routeOrders };
