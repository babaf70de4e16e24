/**
 * Throughput of the embedded local runtime, on a temporary state folder (durable: WAL,
 * synchronous=NORMAL, as in real runs). Not a test: it prints figures.
 *
 *   npx tsx infra/local/bench/runtime-bench.ts [--events 200000] [--json]
 *
 * Scenarios, each on a fresh state folder:
 * - put:     PutEvents in 10-entry calls onto a bus with one rule and an archive (routing and
 *            archiving included, delivery not);
 * - handler: PutEvents -> rule -> no-op handler, until idle;
 * - queue:   PutEvents -> rule -> queue -> event source mapping (batches of 10) -> no-op
 *            handler, until idle.
 * With `--json` the last line is one JSON object with every figure.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setImmediate as yieldToLoop } from 'node:timers/promises';
import { LocalRuntime, type PutEventsRequestEntry } from '../index.ts';

interface ScenarioResult {
  readonly scenario: string;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
}

const BUS = 'bench';
/** PutEvents calls between yields, so delivery runs alongside the producer as it would. */
const CALLS_PER_YIELD = 50;

function argument(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at === -1 ? undefined : process.argv[at + 1];
}

/** A TransactionRecorded-sized detail (about 330 bytes). */
function entry(i: number): PutEventsRequestEntry {
  return {
    Source: 'txnflow.ingest',
    DetailType: 'TransactionRecorded',
    EventBusName: BUS,
    Detail: JSON.stringify({
      metadata: {
        eventId: `e-${i}`,
        schemaVersion: '1',
        correlationId: 'bench-run',
        causationId: 'bench-upload',
        occurredAt: '2024-03-01T12:00:00.000Z',
      },
      data: {
        customerId: `C${i % 5000}`,
        customerAddress: '12 Harbour Road, Leith EH6 6LX',
        transactionId: `T${i}`,
        transactionDate: '2024-03-01',
        amount: '125.50',
      },
    }),
  };
}

function openRuntime(): { rt: LocalRuntime; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'txnflow-bench-'));
  const rt = LocalRuntime.open({ stateDir: dir, faults: {} });
  rt.createEventBus({ name: BUS });
  rt.createArchive({ name: 'bench-archive', eventBusName: BUS });
  return { rt, dir };
}

async function putAll(rt: LocalRuntime, events: number, yieldEvery: number): Promise<void> {
  const batch: PutEventsRequestEntry[] = [];
  let calls = 0;
  for (let i = 0; i < events; i += 1) {
    batch.push(entry(i));
    if (batch.length === 10 || i === events - 1) {
      const result = rt.putEvents(batch);
      if (result.FailedEntryCount > 0) throw new Error(JSON.stringify(result.Entries));
      batch.length = 0;
      calls += 1;
      if (calls % yieldEvery === 0) await yieldToLoop();
    }
  }
}

async function timed(
  scenario: string,
  events: number,
  setup: (rt: LocalRuntime) => void,
  run: (rt: LocalRuntime) => Promise<void>,
): Promise<ScenarioResult> {
  const { rt, dir } = openRuntime();
  try {
    setup(rt);
    const started = process.hrtime.bigint();
    await run(rt);
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    return { scenario, events, seconds, eventsPerSecond: Math.round(events / seconds) };
  } finally {
    rt.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function rule(rt: LocalRuntime, target: { kind: 'handler' | 'queue'; name: string }): void {
  rt.putRule({
    name: 'TransactionRecorded',
    eventBusName: BUS,
    eventPattern: { source: ['txnflow.ingest'], 'detail-type': ['TransactionRecorded'] },
  });
  rt.putTargets({
    rule: 'TransactionRecorded',
    eventBusName: BUS,
    targets: [{ id: 'Target', target }],
  });
}

async function main(): Promise<void> {
  const events = Number(argument('events') ?? 200_000);
  const asJson = process.argv.includes('--json');
  const idle = { timeoutMs: 30 * 60 * 1000 };
  let delivered = 0;
  const results: ScenarioResult[] = [];

  results.push(
    await timed(
      'putEvents (10-entry calls, 1 rule, archive)',
      events,
      (rt) => rule(rt, { kind: 'handler', name: 'unregistered' }),
      (rt) => putAll(rt, events, Number.POSITIVE_INFINITY),
    ),
  );
  results.push(
    await timed(
      'putEvents -> rule -> no-op handler',
      events,
      (rt) => {
        rule(rt, { kind: 'handler', name: 'noop' });
        rt.registerHandler('noop', async () => {
          delivered += 1;
        });
      },
      async (rt) => {
        await putAll(rt, events, CALLS_PER_YIELD);
        await rt.runUntilIdle(idle);
      },
    ),
  );
  if (delivered !== events) throw new Error(`handler saw ${delivered} of ${events} events`);
  let consumed = 0;
  results.push(
    await timed(
      'putEvents -> rule -> queue -> mapping -> no-op handler',
      events,
      (rt) => {
        rt.createQueue({ name: 'BenchQueue' });
        rule(rt, { kind: 'queue', name: 'BenchQueue' });
        rt.registerHandler('consumer', async (event) => {
          consumed += (event as { Records: unknown[] }).Records.length;
          return { batchItemFailures: [] };
        });
        rt.createEventSourceMapping({ queue: 'BenchQueue', handler: 'consumer', batchSize: 10 });
      },
      async (rt) => {
        await putAll(rt, events, CALLS_PER_YIELD);
        await rt.runUntilIdle(idle);
      },
    ),
  );
  if (consumed !== events) throw new Error(`consumer saw ${consumed} of ${events} messages`);

  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const width = Math.max(...results.map((r) => r.scenario.length));
  console.log(
    `${'scenario'.padEnd(width)}  ${'events'.padStart(9)}  ${'seconds'.padStart(8)}  events/s`,
  );
  for (const r of results) {
    console.log(
      `${r.scenario.padEnd(width)}  ${String(r.events).padStart(9)}  ${r.seconds.toFixed(2).padStart(8)}  ${r.eventsPerSecond}`,
    );
  }
  console.log(`peak RSS: ${peakRssMb} MB (node ${process.version}, ${process.platform})`);
  if (asJson) console.log(JSON.stringify({ events, results, peakRssMb }));
}

await main();
