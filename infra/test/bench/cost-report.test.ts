import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dynamoDbLocalAvailability } from '../../../test/support/dynamodb-local.ts';
import type { CostReport } from '../../bench/cost-report.ts';

const SCRIPT = fileURLToPath(new URL('../../bench/cost-report.ts', import.meta.url));

/** Runs `npm run cost -- ... --json` in a child process and reads its one JSON line. */
async function costReport(args: readonly string[]): Promise<CostReport> {
  const child = spawn(process.execPath, ['--import', 'tsx', SCRIPT, ...args, '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`cost report exited with ${code}:\n${stderr}`);
  return JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as CostReport;
}

const availability = await dynamoDbLocalAvailability();

// The AWS adapters end to end on DynamoDB Local: what they write per row, counted.
describe.skipIf(!availability.available)('Script: npm run cost (on DynamoDB Local)', () => {
  it('counts about one ingest write per row and at most two ledger writes per row, round robin over many customers', async () => {
    const rows = 400;
    const customers = 200; // every ledger batch of 100 holds 100 customers: the costliest order

    // One batch at a time: the bounds are what the adapters write when no batch contends.
    const report = await costReport([
      '--rows',
      String(rows),
      '--customers',
      String(customers),
      '--concurrency',
      '1',
    ]);

    expect(report).toMatchObject({
      rows,
      accepted: rows,
      order: 'round-robin',
      chunks: 1,
      balancesChecked: customers,
    });
    const alertsPerRow = report.alerts / rows;
    // One conditional put per row; each customer once per file, and once more for its entry
    // in the Listing index (the query API lists customers by Query); one watermark per batch.
    expect(report.writeUnitsPerRow.ingest).toBeLessThanOrEqual(1 + (2 * customers) / rows + 0.01);
    // A balance update and an entry per row; an alert's mark once per crossing; a new balance's
    // key in the Listing index once (keys only: a commit that changes no key does not write it).
    expect(report.writeUnitsPerRow.ledger).toBeLessThanOrEqual(
      2 + alertsPerRow + customers / rows + 0.01,
    );
    // Balance (eventually consistent), the row's entry (strongly), the last pending entry.
    expect(report.readUnitsPerRow.ledger).toBeLessThanOrEqual(2 + alertsPerRow);
    expect(report.readUnitsPerRow.ingest).toBeUndefined();
    const lines = report.lines.map((l) => `${l.resource} ${l.what}`);
    expect(lines).not.toContain('DynamoDB TransactionTotal TransactWriteItems');
    expect(report.usdPerMillionRows).toBeGreaterThan(0);
  }, 300_000);

  it('prices a file ingested in chunks as on AWS, several tasks and batches at once, and checks the balances', async () => {
    const rows = 600;
    const customers = 30;

    // About 37 KB of rows in 4 KB chunks; three chunk tasks, ledger batches and alerts at once.
    const report = await costReport([
      '--rows',
      String(rows),
      '--customers',
      String(customers),
      '--chunk-bytes',
      '4096',
      '--concurrency',
      '3',
    ]);

    expect(report).toMatchObject({ rows, accepted: rows, balancesChecked: customers });
    expect(report.chunks).toBeGreaterThan(5);
    const line = (resource: string, what: string) =>
      report.lines.find((l) => l.resource === resource && l.what.startsWith(what));
    // The chunk queue: ingest's sends, counted, and the mapping's receive and delete per task.
    expect(line('SQS IngestChunks', 'SendMessageBatch')?.calls).toBeGreaterThan(0);
    expect(line('SQS IngestChunks', 'ReceiveMessage')?.calls).toBeGreaterThan(2 * report.chunks);
    expect(line('Lambda ingest.chunkTask', 'invocations')?.calls).toBeGreaterThan(report.chunks);
    expect(line('S3 uploads bucket', 'GetObject')?.calls).toBeGreaterThan(report.chunks);
    // Still one conditional put per row, whatever the chunking.
    expect(line('DynamoDB Transactions', 'PutItem')).toMatchObject({ calls: rows, units: rows });
  }, 300_000);
});
