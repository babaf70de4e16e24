// Pipeline benchmark: generated files through ingest -> bus -> ledger -> alerting on the
// embedded runtime, against the floor of csv-parse alone on the same file. Prints figures;
// asserts nothing. `npm run bench -- --rows 1000000 [--customers N] [--order O] [--json]`.
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
  readonly rows: number;
  readonly customers: number;
  readonly order: RowOrder;
  readonly fileMB: number;
  readonly parseOnlySeconds: number;
  readonly ingestSeconds: number;
  readonly endToEndSeconds: number;
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
): Promise<FileResult> {
  const floor = await parseOnlySeconds(file);
  const stateDir = await mkdtemp(join(tmpdir(), 'txnflow-bench-state-'));
  let ingestDone = 0n;
  const txnflow = LocalTxnflow.open({
    stateDir,
    env: {},
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
    const [summary] = await txnflow.ingestFiles([file]);
    const endToEnd = seconds(start);
    if (summary?.accepted !== rows)
      throw new Error(`accepted ${summary?.accepted} of ${rows} rows`);
    const alerts = (await txnflow.alerts()).length;
    // Through the bus: every TransactionRecorded, every HighBalanceDetected, the S3 event.
    const busEvents = rows + alerts + 1;
    return {
      rows,
      customers,
      order,
      fileMB: round((await stat(file)).size / 1_048_576, 1),
      parseOnlySeconds: round(floor),
      ingestSeconds: round(Number(ingestDone - start) / 1e9),
      endToEndSeconds: round(endToEnd),
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

function printTable(results: readonly FileResult[]): void {
  const rows: [string, (r: FileResult) => string][] = [
    ['rows', (r) => r.rows.toLocaleString('en')],
    ['customers', (r) => r.customers.toLocaleString('en')],
    ['row order', (r) => r.order],
    ['file size (MB)', (r) => String(r.fileMB)],
    ['csv-parse alone, the floor (s)', (r) => String(r.parseOnlySeconds)],
    ['ingest (s)', (r) => String(r.ingestSeconds)],
    ['end to end until idle (s)', (r) => String(r.endToEndSeconds)],
    ['rows/s end to end', (r) => r.rowsPerSecond.toLocaleString('en')],
    ['bus events/s', (r) => r.busEventsPerSecond.toLocaleString('en')],
    ['alerts', (r) => String(r.alerts)],
    ['peak RSS (MB)', (r) => String(r.peakRssMB)],
    ['end to end / floor', (r) => `${r.ratioToFloor}x`],
  ];
  const width = Math.max(...rows.map(([label]) => label.length));
  for (const [label, value] of rows) {
    console.log(`${label.padEnd(width)}  ${results.map((r) => value(r).padStart(12)).join('')}`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', multiple: true },
      customers: { type: 'string', default: '10000' },
      order: { type: 'string', default: 'round-robin' },
      json: { type: 'boolean', default: false },
      child: { type: 'string' },
    },
  });
  const customers = Number(values.customers);
  const order = parseRowOrder(values.order ?? '');
  if (values.child) {
    const rows = Number(values.rows?.[0]);
    console.log(JSON.stringify(await measureFile(values.child, rows, customers, order)));
    return;
  }
  const sizes = (values.rows ?? ['100000', '1000000']).map(Number);
  const dir = await mkdtemp(join(tmpdir(), 'txnflow-bench-'));
  const results: FileResult[] = [];
  try {
    for (const rows of sizes) {
      const file = join(dir, `transactions-${rows}.txt`);
      await generateTransactionsFile(file, { rows, customers, seed: 1, order });
      if (!values.json) console.error(`measuring ${rows.toLocaleString('en')} rows...`);
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
          String(customers),
          '--order',
          order,
        ],
        { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      );
      if (child.status !== 0) throw new Error(`bench of ${rows} rows failed:\n${child.stderr}`);
      results.push(JSON.parse(child.stdout.trim().split('\n').at(-1) ?? '{}') as FileResult);
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
  if (values.json) {
    for (const r of results) console.log(JSON.stringify(r));
    return;
  }
  console.log(
    `\ntxnflow pipeline benchmark (node ${process.version}, ${(await import('node:os')).cpus().length} cores)\n`,
  );
  printTable(results);
}

await main();
