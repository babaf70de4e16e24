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

    const report = await costReport(['--rows', String(rows), '--customers', String(customers)]);

    expect(report).toMatchObject({ rows, accepted: rows, order: 'round-robin' });
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
});
