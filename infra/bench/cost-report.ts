// `npm run cost -- --rows N [--customers N] [--order O] [--concurrency N] [--chunk-bytes B]
// [--json]`: what a file of N rows costs on AWS, from the calls txnflow's AWS adapters really
// make. A script; asserts nothing.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { type DynamoDBDocumentClient, paginateScan } from '@aws-sdk/lib-dynamodb';
import { alertingManifest } from '@txnflow/alerting';
import { DEFAULT_CHUNK_BYTES, ingestManifest } from '@txnflow/ingest';
import { ledgerManifest } from '@txnflow/ledger';
import {
  dynamoDbLocalAvailability,
  startDynamoDbLocal,
} from '../../test/support/dynamodb-local.ts';
import { readOracleRows, sumsByCustomer } from '../../test/support/transactions-oracle.ts';
import { type CostLine, costLines } from './cost/cost-lines.ts';
import { DynamoDbMeter } from './cost/dynamodb-meter.ts';
import { PRICE_REGION, PRICES_AS_OF } from './cost/prices.ts';
import { type PipelineRun, runOnAwsAdapters } from './cost/run-on-aws-adapters.ts';
import { generateTransactionsFile, parseRowOrder, type RowOrder } from './generate-transactions.ts';

const MANIFESTS = [ingestManifest, ledgerManifest, alertingManifest];

interface CostReport {
  readonly rows: number;
  readonly customers: number;
  readonly order: RowOrder;
  readonly accepted: number;
  readonly alerts: number;
  /** The chunks ingest read the file in (1: whole, in one invocation). */
  readonly chunks: number;
  readonly pricesAsOf: string;
  readonly region: string;
  readonly usdPerMillionRows: number;
  readonly usdPerMillionRowsByService: Record<string, number>;
  /** DynamoDB request units per accepted row, by the service that owns the table. */
  readonly writeUnitsPerRow: Record<string, number>;
  readonly readUnitsPerRow: Record<string, number>;
  readonly lines: readonly (CostLine & { readonly usdPerMillionRows: number })[];
  /** Customers whose balance was checked against the file's sums after the run. */
  readonly balancesChecked: number;
}

const round = (n: number, digits: number): number => Number(n.toFixed(digits));

function summarize(
  options: { rows: number; customers: number; order: RowOrder },
  run: PipelineRun,
  lines: readonly CostLine[],
): Omit<CostReport, 'balancesChecked'> {
  const perMillion = (usd: number) => (usd * 1_000_000) / options.rows;
  const byService: Record<string, number> = {};
  const writeUnits: Record<string, number> = {};
  const readUnits: Record<string, number> = {};
  for (const l of lines) {
    byService[l.service] = (byService[l.service] ?? 0) + perMillion(l.usd);
    if (l.unit === 'WRU') writeUnits[l.service] = (writeUnits[l.service] ?? 0) + l.units;
    if (l.unit === 'RRU') readUnits[l.service] = (readUnits[l.service] ?? 0) + l.units;
  }
  const perRow = (units: Record<string, number>) =>
    Object.fromEntries(Object.entries(units).map(([s, u]) => [s, round(u / run.accepted, 3)]));
  return {
    ...options,
    accepted: run.accepted,
    alerts: run.alerts,
    chunks: run.chunks,
    pricesAsOf: PRICES_AS_OF,
    region: PRICE_REGION,
    usdPerMillionRows: round(
      lines.reduce((sum, l) => sum + perMillion(l.usd), 0),
      4,
    ),
    usdPerMillionRowsByService: Object.fromEntries(
      Object.entries(byService).map(([s, usd]) => [s, round(usd, 4)]),
    ),
    writeUnitsPerRow: perRow(writeUnits),
    readUnitsPerRow: perRow(readUnits),
    lines: lines.map((l) => ({ ...l, usdPerMillionRows: round(perMillion(l.usd), 4) })),
  };
}

function printReport(report: CostReport): void {
  const rows = report.rows.toLocaleString('en');
  console.log(
    `\ntxnflow on AWS: cost per 1,000,000 rows, from the calls counted for ${rows} rows ` +
      `(${report.customers.toLocaleString('en')} customers, ${report.order}; ${report.alerts} alerts; ` +
      `${report.chunks === 1 ? 'ingested whole' : `ingested in ${report.chunks} chunks`})\n` +
      `${report.region} list prices of ${report.pricesAsOf} (infra/bench/cost/prices.ts)\n`,
  );
  const header = ['service', 'resource', 'what', 'calls', 'units', '$ / 1M rows', 'basis'];
  const cells = [...report.lines]
    .sort((a, b) => a.service.localeCompare(b.service) || b.usdPerMillionRows - a.usdPerMillionRows)
    .map((l) => [
      l.service,
      l.resource,
      l.what,
      l.calls.toLocaleString('en'),
      `${round(l.units, 3).toLocaleString('en')} ${l.unit}`,
      l.usdPerMillionRows.toFixed(4),
      l.basis,
    ]);
  for (const [service, usd] of Object.entries(report.usdPerMillionRowsByService)) {
    cells.push([service, '', 'subtotal', '', '', usd.toFixed(4), '']);
  }
  cells.push(['total', '', '', '', '', report.usdPerMillionRows.toFixed(4), '']);
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]?.length ?? 0)));
  const format = (c: readonly string[]) =>
    c
      .map((v, i) =>
        i === 3 || i === 4 || i === 5 ? v.padStart(widths[i] ?? 0) : v.padEnd(widths[i] ?? 0),
      )
      .join('  ');
  console.log(format(header));
  for (const c of cells) console.log(format(c));
  console.log(
    `\nDynamoDB per accepted row: write units ${JSON.stringify(report.writeUnitsPerRow)}, ` +
      `read units ${JSON.stringify(report.readUnitsPerRow)}\n` +
      `Balances: all ${report.balancesChecked.toLocaleString('en')} equal their customer's sum in the file.`,
  );
}

/**
 * Checks that the run lost and doubled nothing: every balance the ledger keeps equals its
 * customer's sum in the file (read by the tests' oracle, not txnflow's parser). A cost of a
 * run that got the money wrong would be no figure at all. Read after the metered run.
 */
async function checkBalances(
  file: string,
  client: DynamoDBDocumentClient,
  table: string,
): Promise<number> {
  const expected = sumsByCustomer(await readOracleRows(file));
  const wrong: string[] = [];
  let seen = 0;
  for await (const page of paginateScan({ client }, { TableName: table })) {
    for (const item of page.Items ?? []) {
      seen += 1;
      const customerId = String(item.customerId);
      const want = expected.get(customerId);
      if (Number(item.balanceCents) !== want) {
        wrong.push(`${customerId}: ${item.balanceCents} cents, the file sums to ${want}`);
      }
    }
  }
  if (seen !== expected.size) wrong.push(`${seen} balances for ${expected.size} customers`);
  if (wrong.length > 0) {
    throw new Error(
      `the ledger's balances differ from the file's sums:\n${wrong.slice(0, 20).join('\n')}`,
    );
  }
  return seen;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      rows: { type: 'string', default: '100000' },
      customers: { type: 'string', default: '10000' },
      order: { type: 'string', default: 'round-robin' },
      // Invocations of a function at once: the mappings run many; this box has 2 cores.
      concurrency: { type: 'string', default: '4' },
      'chunk-bytes': { type: 'string', default: String(DEFAULT_CHUNK_BYTES) },
      json: { type: 'boolean', default: false },
    },
  });
  const options = {
    rows: Number(values.rows),
    customers: Number(values.customers),
    order: parseRowOrder(values.order ?? ''),
  };
  const run = {
    concurrency: Number(values.concurrency),
    chunkBytes: Number(values['chunk-bytes']),
  };
  for (const [flag, n] of [
    ['rows', options.rows],
    ['concurrency', run.concurrency],
    ['chunk-bytes', run.chunkBytes],
  ] as const) {
    if (!Number.isInteger(n) || n < 1) {
      throw new Error(`--${flag} must be a positive whole number, got "${values[flag]}"`);
    }
  }
  const availability = await dynamoDbLocalAvailability();
  if (!availability.available) throw new Error(`DynamoDB Local: ${availability.reason}`);
  const dir = await mkdtemp(join(tmpdir(), 'txnflow-cost-'));
  const dynamo = await startDynamoDbLocal(availability.emulatorDir);
  try {
    const file = join(dir, 'transactions.txt');
    await generateTransactionsFile(file, { ...options, seed: 1 });
    const names: Record<string, string> = {};
    const owners = new Map<string, string>();
    for (const manifest of MANIFESTS) {
      Object.assign(names, await dynamo.createTables(manifest.tables));
      for (const table of manifest.tables) owners.set(table.name, manifest.service);
    }
    const logical = new Map(Object.entries(names).map(([name, physical]) => [physical, name]));
    const meter = new DynamoDbMeter((physical) => logical.get(physical) ?? physical);
    meter.attach(dynamo.client);
    if (!values.json) console.error(`running ${options.rows.toLocaleString('en')} rows...`);
    const pipeline = await runOnAwsAdapters(
      file,
      join(dir, 'events.ndjson'),
      { documentClient: dynamo.documentClient, names },
      {
        ...run,
        ...(values.json ? {} : { onProgress: (status: string) => console.error(`  ${status}`) }),
      },
    );
    if (pipeline.accepted !== options.rows) {
      throw new Error(`ingest accepted ${pipeline.accepted} of ${options.rows} rows`);
    }
    const lines = costLines(pipeline, meter.usage(), owners);
    const report: CostReport = {
      ...summarize(options, pipeline, lines),
      balancesChecked: await checkBalances(
        file,
        dynamo.documentClient,
        names.TransactionTotal ?? '',
      ),
    };
    if (values.json) console.log(JSON.stringify(report));
    else printReport(report);
  } finally {
    await dynamo.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();

export type { CostReport };
