// Pipeline benchmark: generated files through ingest -> bus -> ledger -> alerting on the
// embedded runtime, against the floor of csv-parse alone on the same file, with the runtime's
// trace facts recorded (TXNFLOW_TRACE=on, the default) and not (off). Prints figures; asserts
// nothing. `npm run bench -- --rows 1000000 [--customers N] [--order O] [--trace on|off|both]
// [--repeat N] [--json]`.
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { LocalTxnflow } from '../local-app/local-txnflow.ts';
import { generateTransactionsFile, parseRowOrder, type RowOrder } from './generate-transactions.ts';

interface FileResult {
  /** Whether the runtime recorded trace facts. */
  readonly tracing: boolean;
  readonly rows: number;
  readonly customers: number;
  readonly order: RowOrder;
  readonly fileMB: number;
  readonly parseOnlySeconds: number;
  readonly ingestSeconds: number;
  readonly endToEndSeconds: number;
  /** CPU time (user and system) of the whole run: less swayed than wall time by a busy box. */
  readonly cpuSeconds: number;
  /**
   * User CPU time alone: the work the pipeline itself does. System time also counts waiting
   * on a disk other processes keep busy, so on a shared box it varies far more between runs.
   */
  readonly userCpuSeconds: number;
  readonly rowsPerSecond: number;
  readonly busEventsPerSecond: number;
  readonly alerts: number;
  readonly peakRssMB: number;
  readonly ratioToFloor: number;
}

const seconds = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e9;
const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

/** The floor: csv-parse alone, streaming the same file with the same delimiter. */
async function parseOnlySeconds(file: string): Promise<number> {
  const start = process.hrtime.bigint();
  let records = 0;
  for await (const _record of createReadStream(file).pipe(
    parse({ delimiter: '|', from_line: 2 }),
  )) {
    records += 1;
  }
  if (records === 0) throw new Error(`${file} parsed to no records`);
  return seconds(start);
}

/** One file, measured in this (child) process so that its peak RSS is its own. */
async function measureFile(
  file: string,
  rows: number,
  customers: number,
  order: RowOrder,
  tracing: boolean,
): Promise<FileResult> {
  const floor = await parseOnlySeconds(file);
  const stateDir = await mkdtemp(join(tmpdir(), 'txnflow-bench-state-'));
  let ingestDone = 0n;
  const txnflow = LocalTxnflow.open({
    stateDir,
    env: { TXNFLOW_TRACE: tracing ? 'on' : 'off' },
    log: {
      info: (message) => {
        if (message === 'ingested file') ingestDone = process.hrtime.bigint();
      },
      warn() {},
      error() {},
    },
  });
  try {
    const start = process.hrtime.bigint();
    const cpuBefore = process.cpuUsage();
    const [summary] = await txnflow.ingestFiles([file]);
    const endToEnd = seconds(start);
    const cpu = process.cpuUsage(cpuBefore);
    if (summary?.accepted !== rows)
      throw new Error(`accepted ${summary?.accepted} of ${rows} rows`);
    const alerts = (await txnflow.alerts()).length;
    // Through the bus: every TransactionRecorded, every HighBalanceDetected, the S3 event.
    const busEvents = rows + alerts + 1;
    return {
      tracing,
      rows,
      customers,
      order,
      fileMB: round((await stat(file)).size / 1_048_576, 1),
      parseOnlySeconds: round(floor),
      ingestSeconds: round(Number(ingestDone - start) / 1e9),
      endToEndSeconds: round(endToEnd),
      cpuSeconds: round((cpu.user + cpu.system) / 1e6),
      userCpuSeconds: round(cpu.user / 1e6),
      rowsPerSecond: Math.round(rows / endToEnd),
      busEventsPerSecond: Math.round(busEvents / endToEnd),
      alerts,
      peakRssMB: round(process.resourceUsage().maxRSS / 1024, 0),
      ratioToFloor: round(endToEnd / floor, 1),
    };
  } finally {
    txnflow.close();
    await rm(stateDir, { recursive: true, force: true });
  }
}

const LABELS: readonly [string, (r: FileResult) => string][] = [
  ['rows', (r) => r.rows.toLocaleString('en')],
  ['customers', (r) => r.customers.toLocaleString('en')],
  ['row order', (r) => r.order],
  ['trace facts', (r) => (r.tracing ? 'on' : 'off')],
  ['file size (MB)', (r) => String(r.fileMB)],
  ['csv-parse alone, the floor (s)', (r) => String(r.parseOnlySeconds)],
  ['ingest (s)', (r) => String(r.ingestSeconds)],
  ['end to end until idle (s)', (r) => String(r.endToEndSeconds)],
  ['CPU, user + system (s)', (r) => String(r.cpuSeconds)],
  ['CPU, user (s)', (r) => String(r.userCpuSeconds)],
  ['rows/s end to end', (r) => r.rowsPerSecond.toLocaleString('en')],
  ['bus events/s', (r) => r.busEventsPerSecond.toLocaleString('en')],
  ['alerts', (r) => String(r.alerts)],
  ['peak RSS (MB)', (r) => String(r.peakRssMB)],
  ['end to end / floor', (r) => `${r.ratioToFloor}x`],
];

function printTable(results: readonly FileResult[]): void {
  const width = Math.max(...LABELS.map(([label]) => label.length));
  for (const [label, value] of LABELS) {
    console.log(`${label.padEnd(width)}  ${results.map((r) => value(r).padStart(12)).join('')}`);
  }
}

/** The run of median end-to-end time among repeats of one size and tracing setting. */
function median(runs: readonly FileResult[]): FileResult {
  const sorted = [...runs].sort((a, b) => a.endToEndSeconds - b.endToEndSeconds);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!middle) throw new Error('no runs to take the median of');
  return middle;
}

const middleOf = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)] ?? Number.NaN;
};

/**
 * What recording trace facts costs, per size: end-to-end throughput and user CPU time on
 * against off, each the median of every run (not only the run the table shows).
 */
function printTracingCost(runs: readonly FileResult[]): void {
  for (const rows of new Set(runs.map((r) => r.rows))) {
    const of = (tracing: boolean) => runs.filter((r) => r.rows === rows && r.tracing === tracing);
    const [on, off] = [of(true), of(false)];
    if (on.length === 0 || off.length === 0) continue;
    const rate = (set: readonly FileResult[]) => middleOf(set.map((r) => r.rowsPerSecond));
    const user = (set: readonly FileResult[]) => middleOf(set.map((r) => r.userCpuSeconds));
    const cost = (1 - rate(on) / rate(off)) * 100;
    const userCost = (user(on) / user(off) - 1) * 100;
    console.log(
      `trace facts cost, ${rows.toLocaleString('en')} rows, medians of ${Math.min(on.length, off.length)} run(s): ` +
        `${rate(off).toLocaleString('en')} -> ${rate(on).toLocaleString('en')} rows/s end to end (${cost.toFixed(1)}% of throughput); ` +
        `user CPU ${user(off)} -> ${user(on)} s (${userCost >= 0 ? '+' : ''}${userCost.toFixed(1)}%)`,
    );
  }
}

interface BenchOptions {
  readonly sizes: readonly number[];
  readonly customers: number;
  readonly order: RowOrder;
  readonly tracing: readonly boolean[];
  readonly repeat: number;
  readonly json: boolean;
}

function parseTracing(value: string): boolean[] {
  if (value === 'both') return [false, true];
  if (value === 'on' || value === 'off') return [value === 'on'];
  throw new Error(`--trace must be on, off or both, got "${value}"`);
}

/** Measures one file in a child process (its own heap, its own peak RSS). */
function measureInChild(
  file: string,
  rows: number,
  options: BenchOptions,
  tracing: boolean,
): FileResult {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL(import.meta.url).pathname,
      '--child',
      file,
      '--rows',
      String(rows),
      '--customers',
      String(options.customers),
      '--order',
      options.order,
      '--trace',
      tracing ? 'on' : 'off',
    ],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (child.status !== 0) throw new Error(`bench of ${rows} rows failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as FileResult;
}

/**
 * Every size, tracing off and on in turn, `repeat` times: the median run of each (by end to
 * end time), and every run.
 */
async function measureAll(
  options: BenchOptions,
): Promise<{ results: FileResult[]; all: FileResult[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'txnflow-bench-'));
  const results: FileResult[] = [];
  const all: FileResult[] = [];
  try {
    for (const rows of options.sizes) {
      const file = join(dir, `transactions-${rows}.txt`);
      await generateTransactionsFile(file, {
        rows,
        customers: options.customers,
        seed: 1,
        order: options.order,
      });
      const runs = new Map<boolean, FileResult[]>(options.tracing.map((t) => [t, []]));
      for (let i = 0; i < options.repeat; i += 1) {
        for (const tracing of options.tracing) {
          if (!options.json) {
            console.error(
              `measuring ${rows.toLocaleString('en')} rows, trace facts ${tracing ? 'on' : 'off'}...`,
            );
          }
          runs.get(tracing)?.push(measureInChild(file, rows, options, tracing));
        }
      }
      for (const tracing of options.tracing) {
        results.push(median(runs.get(tracing) ?? []));
        all.push(...(runs.get(tracing) ?? []));
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return { results, all };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', multiple: true },
      customers: { type: 'string', default: '10000' },
      order: { type: 'string', default: 'round-robin' },
      trace: { type: 'string', default: 'both' },
      repeat: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      child: { type: 'string' },
    },
  });
  const customers = Number(values.customers);
  const order = parseRowOrder(values.order ?? '');
  const tracing = parseTracing(values.trace ?? 'both');
  if (values.child) {
    const rows = Number(values.rows?.[0]);
    const result = await measureFile(values.child, rows, customers, order, tracing[0] ?? true);
    console.log(JSON.stringify(result));
    return;
  }
  const repeat = Number(values.repeat);
  if (!(Number.isInteger(repeat) && repeat >= 1))
    throw new Error('--repeat must be a whole number >= 1');
  const sizes = (values.rows ?? ['100000', '1000000']).map(Number);
  const { results, all } = await measureAll({
    sizes,
    customers,
    order,
    tracing,
    repeat,
    json: values.json ?? false,
  });
  if (values.json) {
    for (const r of results) console.log(JSON.stringify(r));
    return;
  }
  console.log(
    `\ntxnflow pipeline benchmark (node ${process.version}, ${(await import('node:os')).cpus().length} cores${repeat > 1 ? `, median of ${repeat} runs each` : ''})\n`,
  );
  printTable(results);
  console.log('');
  printTracingCost(all);
}

await main();
