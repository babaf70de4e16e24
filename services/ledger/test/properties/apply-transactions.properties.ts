import { fc, it } from '@fast-check/vitest';
import { type EventPublisher, formatMoney } from '@txnflow/contracts';
import { RecordingPublisher } from '@txnflow/contracts/testing';
import { beforeAll, describe } from 'vitest';
import { applyTransactions, type BatchItemResult } from '../../src/domain/apply-transaction.ts';
import type { LedgerStore } from '../../src/ports.ts';
import { transactionRecorded } from '../support/factories.ts';
import {
  alertsOf,
  expectLedgerInvariants,
  type OracleTransaction,
  type TransactionRecorded,
} from './ledger-invariants.ts';

const THRESHOLD = 150_000;
const ORDERS = ['grouped', 'round-robin', 'shuffled'] as const;

/** A random workload: distinct transactions, then how they are delivered to the ledger. */
interface Workload {
  readonly transactions: readonly OracleTransaction[];
  /** Indexes into `transactions`, in delivery order, duplicates included. */
  readonly deliveries: readonly number[];
  readonly batchSizes: readonly number[];
  /** Concurrent handler invocations; batch i goes to lane i % lanes. */
  readonly lanes: number;
  /** Per publish call, whether EventBridge fails it (then the delivery is retried). */
  readonly publishFailures: readonly boolean[];
  /**
   * Per commit call of the concurrent handlers, whether the handler crashes right after the
   * commit point: the commit is written, its caller gets an error instead of the results.
   */
  readonly commitCrashes: readonly boolean[];
  /** Per write a store's fault hook is asked about, whether that write is lost (see {@link StoreFaults}). */
  readonly lostWrites: readonly boolean[];
}

/**
 * The tape of store writes to lose, for an adapter whose test can drop writes below the
 * port (the DynamoDB one loses entry puts: a crash between a commit and its entries).
 * An adapter that cannot ignores it.
 */
class StoreFaults {
  #tape: boolean[] = [];

  load(tape: readonly boolean[]): void {
    this.#tape = [...tape];
  }

  /** Whether the next write the adapter asks about is lost. */
  loseNext(): boolean {
    return this.#tape.shift() ?? false;
  }
}

function ordered(
  transactions: readonly OracleTransaction[],
  order: (typeof ORDERS)[number],
  sortKeys: readonly number[],
): number[] {
  const indexes = transactions.map((_t, i) => i);
  const customer = (i: number) => transactions[i]?.customerId ?? '';
  if (order === 'grouped') return indexes.sort((a, b) => customer(a).localeCompare(customer(b)));
  if (order === 'shuffled') return indexes.sort((a, b) => (sortKeys[a] ?? 0) - (sortKeys[b] ?? 0));
  // Round robin: the n-th transaction of every customer, then the (n+1)-th...
  const seen = new Map<string, number>();
  const rank = indexes.map((i) => {
    const n = seen.get(customer(i)) ?? 0;
    seen.set(customer(i), n + 1);
    return n;
  });
  return indexes.sort((a, b) => (rank[a] ?? 0) - (rank[b] ?? 0) || a - b);
}

/**
 * Workloads over few customers (1-3: a batch holds several rows of one customer) or many
 * (up to 30), amounts that wander up and down across the threshold, the three row orders,
 * random duplicates at random places, random batch sizes and up to 4 concurrent lanes.
 */
const workloadArbitrary = (customerCount: fc.Arbitrary<number>): fc.Arbitrary<Workload> =>
  customerCount
    .chain((customers) =>
      fc.record({
        rows: fc.array(
          fc.record({
            customer: fc.nat({ max: customers - 1 }),
            amountCents: fc.integer({ min: -100_000, max: 100_000 }),
          }),
          { minLength: 1, maxLength: 40 },
        ),
        order: fc.constantFrom(...ORDERS),
        sortKeys: fc.array(fc.double({ noNaN: true }), { minLength: 40, maxLength: 40 }),
        duplicates: fc.array(fc.tuple(fc.nat(), fc.nat()), { maxLength: 12 }),
        batchSizes: fc.array(fc.integer({ min: 1, max: 12 }), { minLength: 1, maxLength: 8 }),
        lanes: fc.integer({ min: 1, max: 4 }),
        publishFailures: fc.array(fc.boolean(), { maxLength: 6 }),
        commitCrashes: fc.array(fc.boolean(), { maxLength: 6 }),
        lostWrites: fc.array(fc.boolean(), { maxLength: 12 }),
      }),
    )
    .map(({ rows, order, sortKeys, duplicates, batchSizes, lanes, ...faults }) => {
      const perCustomer = new Map<number, number>();
      const transactions = rows.map(({ customer, amountCents }) => {
        const n = perCustomer.get(customer) ?? 0;
        perCustomer.set(customer, n + 1);
        // Transaction ids repeat across customers: the ledger keys by (customer, id).
        return { customerId: `C${customer}`, transactionId: `T${n}`, amountCents };
      });
      const deliveries = ordered(transactions, order, sortKeys);
      for (const [which, where] of duplicates) {
        deliveries.splice(where % (deliveries.length + 1), 0, which % transactions.length);
      }
      return { transactions, deliveries, batchSizes, lanes, ...faults };
    });

function batchesOf(workload: Workload, events: readonly TransactionRecorded[]) {
  const batches: TransactionRecorded[][] = [];
  for (let start = 0, i = 0; start < events.length; i += 1) {
    const size = workload.batchSizes[i % workload.batchSizes.length] ?? 1;
    batches.push(events.slice(start, start + size));
    start += size;
  }
  return batches;
}

/** EventBridge as the property sees it: records, and fails the calls the tape says. */
class FlakyPublisher extends RecordingPublisher {
  readonly #tape: boolean[];

  constructor(tape: readonly boolean[]) {
    super();
    this.#tape = [...tape];
  }

  override async publish(events: Parameters<EventPublisher['publish']>[0]): Promise<void> {
    if (this.#tape.shift()) throw new Error('EventBridge unavailable');
    return super.publish(events);
  }
}

/**
 * The store with every call's completion ordered by the scheduler: lanes interleave. A commit
 * the crash tape picks is written, then its caller gets an error instead of the results.
 */
function scheduled(store: LedgerStore, s: fc.Scheduler, crashes: readonly boolean[]): LedgerStore {
  const tape = [...crashes];
  const commitThenMaybeCrash: LedgerStore['commit'] = async (commits) => {
    const results = await store.commit(commits);
    if (tape.shift()) throw new Error('handler crashed after the commit point');
    return results;
  };
  return {
    read: inTurn(s, (customers) => store.read(customers)),
    commit: inTurn(s, commitThenMaybeCrash),
    markAlertPublished: inTurn(s, (c, t) => store.markAlertPublished(c, t)),
    listBalances: () => store.listBalances(),
    listEntries: (c) => store.listEntries(c),
  };
}

/**
 * A store call whose completion (result or error) the scheduler releases. The call's own
 * promise never rejects: the scheduler holds it until its turn, and an error held there
 * would be reported as unhandled.
 */
function inTurn<A extends unknown[], T>(
  s: fc.Scheduler,
  call: (...args: A) => Promise<T>,
): (...args: A) => Promise<T> {
  const settled = s.scheduleFunction(async (...args: A) =>
    call(...args).then(
      (value) => ({ ok: true as const, value }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
  );
  return async (...args) => {
    const result = await settled(...args);
    if (!result.ok) throw result.error;
    return result.value;
  };
}

/**
 * Runs the workload as SQS and Lambda would: lanes of batches handled concurrently, in an
 * order the scheduler picks; then every event whose result failed is delivered again, as
 * SQS redelivers, until none fails.
 */
async function runWorkload(
  workload: Workload,
  store: LedgerStore,
  s: fc.Scheduler,
  namespace: string,
): Promise<{ publisher: RecordingPublisher; transactions: OracleTransaction[] }> {
  const transactions = workload.transactions.map((t) => ({
    ...t,
    customerId: `${namespace}${t.customerId}`,
  }));
  const events = transactions.map(({ customerId, transactionId, amountCents }) =>
    transactionRecorded({ customerId, transactionId, amount: formatMoney(amountCents) }),
  );
  const publisher = new FlakyPublisher(workload.publishFailures);
  const deps = { publisher, thresholdCents: THRESHOLD, maxAttempts: 3 };
  const failed: TransactionRecorded[] = [];
  const keepFailures = (batch: readonly TransactionRecorded[], results: BatchItemResult[]) => {
    for (const [i, result] of results.entries()) if (!result.ok) failed.push(batch[i]!);
  };
  const lanes = Array.from({ length: workload.lanes }, () => [] as TransactionRecorded[][]);
  batchesOf(
    workload,
    workload.deliveries.map((i) => events[i]!),
  ).forEach((batch, i) => void lanes[i % workload.lanes]?.push(batch));
  const racingStore = scheduled(store, s, workload.commitCrashes);
  const runLane = async (batches: readonly TransactionRecorded[][]) => {
    for (const batch of batches) {
      keepFailures(batch, await applyTransactions(batch, { ...deps, store: racingStore }));
    }
  };
  await s.waitFor(Promise.all(lanes.map(runLane)));
  for (let round = 0; failed.length > 0; round += 1) {
    if (round === 20) throw new Error(`${failed.length} event(s) still fail after 20 redeliveries`);
    const again = failed.splice(0);
    keepFailures(again, await applyTransactions(again, { ...deps, store }));
  }
  return { publisher, transactions };
}

/**
 * Property tests of the ledger over one store adapter: whatever the data, batching,
 * duplicates, publish failures, crashes after the commit point, lost writes and interleaving
 * of concurrent handlers, the invariant of {@link expectLedgerInvariants} holds against the
 * oracle.
 */
function describeLedgerProperties(
  adapter: string,
  makeStore: (faults: StoreFaults) => Promise<LedgerStore>,
  options: { readonly numRuns: number },
): void {
  describe(`Properties: applyTransactions on ${adapter}`, () => {
    let store: LedgerStore;
    let run = 0;
    const faults = new StoreFaults();
    beforeAll(async () => {
      store = await makeStore(faults);
    }, 60_000);

    for (const [shape, customers] of [
      ['few customers', fc.integer({ min: 1, max: 3 })],
      ['many customers', fc.integer({ min: 4, max: 30 })],
    ] as const) {
      it.prop([workloadArbitrary(customers), fc.scheduler()], { numRuns: options.numRuns })(
        `balances equal the oracle, entries chain, alerts are the crossings (${shape})`,
        async (workload, s) => {
          run += 1; // a fresh namespace of customers per run: one store serves them all
          faults.load(workload.lostWrites);
          const { publisher, transactions } = await runWorkload(workload, store, s, `r${run}-`);
          faults.load([]);
          await expectLedgerInvariants(
            store,
            transactions,
            alertsOf(publisher.published),
            THRESHOLD,
          );
        },
        120_000,
      );
    }
  });
}

export type { StoreFaults };
export { describeLedgerProperties };
