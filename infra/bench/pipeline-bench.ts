// Pipeline benchmark: generated files through ingest -> bus -> ledger -> alerting on the
// embedded runtime, beside two floors measured in the same run on the same file: the
// event-log floor (event-log-floor.ts: one process doing the same work with no bus) and
// csv-parse alone. Each measurement runs in a process of its own, so its peak RSS is its
// own. Prints figures; asserts nothing. `npm run bench -- --rows 200000 [--customers N]
// [--order O] [--trace on|off|both] [--repeat N] [--json]`.
import { spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse } from 'csv-parse';
import { LocalTxnflow } from '../local-app/local-txnflow.ts';
import { runEventLogFloor } from './event-log-floor.ts';
import { generateTransactionsFile, parseRowOrder, type RowOrder } from './generate-transactions.ts';
import { type Measured, measure, round } from './measure.ts';

/** What is measured: the pipeline, or one of its floors. */
const SUBJECTS = ['pipeline', 'event-log', 'csv-parse'] as const;
type Subject = (typeof SUBJECTS)[number];

/** One measurement, as a child process reports it. */
interface ChildResult extends Measured {
  readonly subject: Subject;
  /** Alerts recorded (the pipeline and the event-log floor). */
  readonly alerts?: number;
  /** Until the ingest handler returned (the pipeline). */
  readonly ingestSeconds?: number;
}

/** One file: the pipeline and both floors, with the ratios between them. */
interface FileResult {
  readonly rows: number;
  readonly customers: number;
  readonly order: RowOrder;
  /** Whether the runtime recorded trace facts in the pipeline run. */
  readonly tracing: boolean;
  readonly fileMB: number;
  readonly alerts: number;
  readonly pipeline: ChildResult;
  readonly eventLog: ChildResult;
  readonly csvParse: ChildResult;
  /** Pipeline over event-log floor, wall and CPU. */
  readonly ratioToEventLog: { readonly wall: number; readonly cpu: number };
  /** Pipeline over csv-parse alone, wall. */
  readonly ratioToCsvParse: number;
}

interface ChildOptions {
  readonly file: string;
  readonly rows: number;
  readonly tracing: boolean;
}

/** csv-parse alone, streaming the same file with the same delimiter. */
async function csvParseOnly(file: string): Promise<number> {
  let records = 0;
  for await (const _record of createReadStream(file).pipe(
    parse({ delimiter: '|', from_line: 2 }),
  )) {
    records += 1;
  }
  if (records === 0) throw new Error(`${file} parsed to no records`);
  return records;
}

/** The whole pipeline on a fresh state folder, until idle. */
async function pipeline(options: ChildOptions): Promise<ChildResult> {
  const stateDir = await mkdtemp(join(tmpdir(), 'txnflow-bench-state-'));
  let ingestDone = 0n;
  const start = process.hrtime.bigint();
  try {
    const { result, measured } = await measure(async () => {
      const txnflow = LocalTxnflow.open({
        stateDir,
        env: { ...process.env, TXNFLOW_TRACE: options.tracing ? 'on' : 'off' },
        log: {
          info: (message) => {
            if (message === 'ingested file') ingestDone = process.hrtime.bigint();
          },
          warn() {},
          error() {},
        },
      });
      try {
        const [summary] = await txnflow.ingestFiles([options.file]);
        if (summary?.accepted !== options.rows) {
          throw new Error(`accepted ${summary?.accepted} of ${options.rows} rows`);
        }
        return (await txnflow.alerts()).length;
      } finally {
        txnflow.close();
      }
    });
    const ingestSeconds = round(Number(ingestDone - start) / 1e9);
    return { subject: 'pipeline', ...measured, alerts: result, ingestSeconds };
  } finally {
    await rm(stateDir, { recursive: true, force: true });
  }
}

async function eventLogFloor(options: ChildOptions): Promise<ChildResult> {
  const dir = await mkdtemp(join(tmpdir(), 'txnflow-bench-floor-'));
  try {
    const { result, measured } = await measure(() => runEventLogFloor(options.file, dir));
    if (result.accepted !== options.rows) {
      throw new Error(`the event-log floor accepted ${result.accepted} of ${options.rows} rows`);
    }
    return { subject: 'event-log', ...measured, alerts: result.alerts };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function measureSubject(subject: Subject, options: ChildOptions): Promise<ChildResult> {
  if (subject === 'pipeline') return pipeline(options);
  if (subject === 'event-log') return eventLogFloor(options);
  const { measured } = await measure(() => csvParseOnly(options.file));
  return { subject, ...measured };
}

/** Runs one measurement in a child process (its own heap, its own peak RSS). */
function measureInChild(subject: Subject, options: ChildOptions): ChildResult {
  const child = spawnSync(
    process.execPath,
    [
      '--import',
      'tsx',
      new URL(import.meta.url).pathname,
      '--child',
      subject,
      '--file',
      options.file,
      '--rows',
      String(options.rows),
      '--trace',
      options.tracing ? 'on' : 'off',
    ],
    { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
  );
  if (child.status !== 0) {
    throw new Error(`${subject}, ${options.rows} rows: the child failed:\n${child.stderr}`);
  }
  return JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as ChildResult;
}

/** The run of median wall time among repeats. */
function median(runs: readonly ChildResult[]): ChildResult {
  const sorted = [...runs].sort((a, b) => a.wallSeconds - b.wallSeconds);
  const middle = sorted[Math.floor((sorted.length - 1) / 2)];
  if (!middle) throw new Error('no runs to take the median of');
  return middle;
}

interface BenchOptions {
  readonly sizes: readonly number[];
  readonly customers: number;
  readonly order: RowOrder;
  readonly tracing: readonly boolean[];
  readonly repeat: number;
  readonly json: boolean;
}

/** Measures `subject` `repeat` times, in turn with the others' runs; the median. */
function medianOf(subject: Subject, options: ChildOptions, bench: BenchOptions): ChildResult {
  const runs: ChildResult[] = [];
  for (let i = 0; i < bench.repeat; i += 1) {
    if (!bench.json) {
      const trace = subject === 'pipeline' ? `, trace facts ${options.tracing ? 'on' : 'off'}` : '';
      console.error(`measuring ${subject}, ${options.rows.toLocaleString('en')} rows${trace}...`);
    }
    runs.push(measureInChild(subject, options));
  }
  return median(runs);
}

async function measureFile(file: string, rows: number, bench: BenchOptions): Promise<FileResult[]> {
  const common = { file, rows, tracing: true };
  const eventLog = medianOf('event-log', common, bench);
  const csvParse = medianOf('csv-parse', common, bench);
  const fileMB = round((await stat(file)).size / 1_048_576, 1);
  return bench.tracing.map((tracing) => {
    const pipelineRun = medianOf('pipeline', { ...common, tracing }, bench);
    return {
      rows,
      customers: bench.customers,
      order: bench.order,
      tracing,
      fileMB,
      alerts: pipelineRun.alerts ?? 0,
      pipeline: pipelineRun,
      eventLog,
      csvParse,
      ratioToEventLog: {
        wall: round(pipelineRun.wallSeconds / eventLog.wallSeconds, 1),
        cpu: round(pipelineRun.cpuSeconds / eventLog.cpuSeconds, 1),
      },
      ratioToCsvParse: round(pipelineRun.wallSeconds / csvParse.wallSeconds, 1),
    };
  });
}

/** Every size: a generated file, then each measurement of it. */
async function measureAll(options: BenchOptions): Promise<FileResult[]> {
  const dir = await mkdtemp(join(tmpdir(), 'txnflow-bench-'));
  const results: FileResult[] = [];
  try {
    for (const rows of options.sizes) {
      const file = join(dir, `transactions-${rows}.txt`);
      await generateTransactionsFile(file, {
        rows,
        customers: options.customers,
        seed: 1,
        order: options.order,
      });
      results.push(...(await measureFile(file, rows, options)));
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  return results;
}

const COLUMNS: readonly [string, (m: ChildResult, rows: number) => string][] = [
  ['wall (s)', (m) => String(m.wallSeconds)],
  ['CPU (s)', (m) => String(m.cpuSeconds)],
  ['rows/s', (m, rows) => Math.round(rows / m.wallSeconds).toLocaleString('en')],
  ['peak RSS (MB)', (m) => String(m.peakRssMB)],
  [
    'written/row (KB)',
    (m, rows) =>
      m.bytesWritten === undefined ? 'n/a' : String(round(m.bytesWritten / rows / 1024, 2)),
  ],
];

function printFile(r: FileResult): void {
  console.log(
    `${r.rows.toLocaleString('en')} rows, ${r.customers.toLocaleString('en')} customers, ${r.order}, ` +
      `${r.fileMB} MB, ${r.alerts.toLocaleString('en')} alerts, trace facts ${r.tracing ? 'on' : 'off'}` +
      (r.pipeline.ingestSeconds === undefined
        ? ''
        : `, ingest returned at ${r.pipeline.ingestSeconds} s`),
  );
  const label = 18;
  console.log(`${''.padEnd(label)}${COLUMNS.map(([name]) => name.padStart(18)).join('')}`);
  const lines: [string, ChildResult][] = [
    ['pipeline', r.pipeline],
    ['event-log floor', r.eventLog],
    ['csv-parse floor', r.csvParse],
  ];
  for (const [name, m] of lines) {
    const cells = COLUMNS.map(([, cell]) => cell(m, r.rows).padStart(18));
    console.log(`${name.padEnd(label)}${cells.join('')}`);
  }
  console.log(
    `pipeline / event-log floor: ${r.ratioToEventLog.wall}x wall, ${r.ratioToEventLog.cpu}x CPU; ` +
      `pipeline / csv-parse floor: ${r.ratioToCsvParse}x wall\n`,
  );
}

/** What recording trace facts costs, per size: pipeline throughput on against off. */
function printTracingCost(results: readonly FileResult[]): void {
  for (const rows of new Set(results.map((r) => r.rows))) {
    const on = results.find((r) => r.rows === rows && r.tracing)?.pipeline;
    const off = results.find((r) => r.rows === rows && !r.tracing)?.pipeline;
    if (!on || !off) continue;
    const cost = (on.wallSeconds / off.wallSeconds - 1) * 100;
    const cpuCost = (on.cpuSeconds / off.cpuSeconds - 1) * 100;
    console.log(
      `trace facts cost, ${rows.toLocaleString('en')} rows: wall ${off.wallSeconds} -> ${on.wallSeconds} s (${cost >= 0 ? '+' : ''}${cost.toFixed(1)}%); CPU ${off.cpuSeconds} -> ${on.cpuSeconds} s (${cpuCost >= 0 ? '+' : ''}${cpuCost.toFixed(1)}%)`,
    );
  }
}

function parseTracing(value: string): boolean[] {
  if (value === 'both') return [false, true];
  if (value === 'on' || value === 'off') return [value === 'on'];
  throw new Error(`--trace must be on, off or both, got "${value}"`);
}

function parseSubject(value: string): Subject {
  const subject = SUBJECTS.find((known) => known === value);
  if (!subject) throw new Error(`--child must be one of ${SUBJECTS.join(', ')}, got "${value}"`);
  return subject;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', multiple: true },
      customers: { type: 'string', default: '10000' },
      order: { type: 'string', default: 'round-robin' },
      trace: { type: 'string', default: 'on' },
      repeat: { type: 'string', default: '1' },
      json: { type: 'boolean', default: false },
      child: { type: 'string' },
      file: { type: 'string' },
    },
  });
  const tracing = parseTracing(values.trace ?? 'on');
  if (values.child) {
    const options = {
      file: values.file ?? '',
      rows: Number(values.rows?.[0]),
      tracing: tracing[0] ?? true,
    };
    console.log(JSON.stringify(await measureSubject(parseSubject(values.child), options)));
    return;
  }
  const repeat = Number(values.repeat);
  if (!(Number.isInteger(repeat) && repeat >= 1)) {
    throw new Error('--repeat must be a whole number >= 1');
  }
  const results = await measureAll({
    sizes: (values.rows ?? ['200000', '1000000']).map(Number),
    customers: Number(values.customers),
    order: parseRowOrder(values.order ?? ''),
    tracing,
    repeat,
    json: values.json ?? false,
  });
  if (values.json) {
    for (const r of results) console.log(JSON.stringify(r));
    return;
  }
  const median = repeat > 1 ? `, median of ${repeat} runs each` : '';
  console.log(
    `\ntxnflow pipeline benchmark (node ${process.version}, ${cpus().length} cores${median})\n`,
  );
  for (const r of results) printFile(r);
  printTracingCost(results);
}

await main();
