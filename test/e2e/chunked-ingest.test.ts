import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IngestSummary } from '@txnflow/ingest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../infra/local/index.ts';
import { LocalTxnflow, type OpenLocalTxnflowOptions } from '../../infra/local-app/local-txnflow.ts';
import { localServices } from '../../infra/local-app/services.ts';
import { deadLetterQueuesOf } from '../../infra/local-app/wire.ts';

const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount';
/** Small enough that the file below is cut in about twenty chunks. */
const CHUNK_BYTES = 1_024;

/** A quoted address spanning lines, longer than a chunk: chunk boundaries fall inside it. */
const LONG_ADDRESS = `"Flat 2\nThe ""Old"" Mill\n${'Harbour Road\n'.repeat(100)}Leith"`;

/** A row of the file that is neither repeated nor wrong. */
const plainRow = (i: number): string =>
  `C${i % 12}|C${i % 12} Street|T${i}|2023-03-0${1 + (i % 9)}|${(i % 37) * 9}.25`;

/**
 * 400 lines over 12 customers: amounts that take some over 1500.00, quoted addresses with
 * line breaks (one longer than a chunk, rejected as too long) and delimiters, bad rows,
 * rows repeated far apart (duplicates) and the same ids with other data far apart
 * (conflicts: the first one in the file wins).
 */
function fileText(): string {
  const lines = [HEADER];
  for (let i = 0; i < 400; i += 1) {
    const customer = `C${i % 12}`;
    if (i % 97 === 13) lines.push(`${customer}|${LONG_ADDRESS}|T${i}|2023-03-01|12.00`);
    else if (i % 29 === 2)
      lines.push(`${customer}|"Flat 9\nThe Mill\nLeith"|T${i}|2023-03-01|3.00`);
    else if (i % 41 === 7) lines.push(`${customer}|"1 Main St|Leith"|T${i}|2023-03-02|7.50`);
    else if (i % 53 === 5) lines.push(`${customer}|Addr|T${i}|2023-02-30|1.00`);
    else if (i >= 250 && i % 31 === 0) lines.push(plainRow(i - 250).replace(/\|[^|]*$/, '|999.00'));
    else if (i >= 250 && i % 23 === 0) lines.push(plainRow(i - 240));
    else lines.push(plainRow(i));
  }
  return `${lines.join('\n')}\n`;
}

/** What the user sees of a run, but for the ids that differ on every upload. */
async function outcomeOf(txnflow: LocalTxnflow, summary: IngestSummary) {
  const { versionId: _v, correlationId: _c, rejectsReport, ...counts } = summary;
  const report = await txnflow.runtime.getObject({
    bucket: txnflow.uploadsBucket,
    key: rejectsReport,
  });
  const parts: Buffer[] = [];
  for await (const part of report) parts.push(Buffer.from(part));
  return {
    summary: counts,
    rejectsReport: Buffer.concat(parts).toString('utf8'),
    balances: await txnflow.balances(),
    transactions: await txnflow.transactions(),
    customers: await txnflow.customers(),
    alerts: (await txnflow.alerts()).map((a) => a.customerId).sort(),
    deadLetters: deadLetterQueuesOf(localServices).filter((q) => txnflow.queue(q).length > 0),
  };
}

describe('Chunked ingest on the local runtime', () => {
  let dir: string;
  let file: string;
  let oneRun: Awaited<ReturnType<typeof outcomeOf>>;

  async function ingest(name: string, options: Partial<OpenLocalTxnflowOptions> = {}) {
    const txnflow = LocalTxnflow.open({
      stateDir: join(dir, name),
      env: { INGEST_CHUNK_BYTES: String(CHUNK_BYTES) },
      clock: new ManualClock(Date.now()),
      ...options,
    });
    try {
      const [summary] = await txnflow.ingestFiles([file]);
      if (!summary) throw new Error('no summary');
      const work = txnflow.runtime
        .listObjects({ bucket: txnflow.uploadsBucket, prefix: 'reports/.chunks/' })
        .map((o) => o.key);
      return { outcome: await outcomeOf(txnflow, summary), work };
    } finally {
      txnflow.close();
    }
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-chunked-'));
    file = join(dir, 'big.txt');
    await writeFile(file, fileText());
    const whole = await ingest('one-run', { env: {} });
    expect(whole.work).toEqual([]);
    oneRun = whole.outcome;
  }, 120_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('gives the summary, rejects report, balances, rows and alerts of one run', async () => {
    const chunked = await ingest('chunked');

    expect(chunked.outcome).toEqual(oneRun);
    expect(chunked.work.filter((k) => k.includes('/record-'))).toHaveLength(
      chunked.work.filter((k) => k.includes('/keys-')).length,
    );
    expect(chunked.work.filter((k) => k.includes('/record-')).length).toBeGreaterThan(10);
    // Rows repeated in later chunks waited for the earlier chunks: deferred, then recorded.
    expect(chunked.work.some((k) => k.includes('/tail-'))).toBe(true);
    // The run had something to get right: rows accepted, duplicates, conflicts, bad rows, alerts.
    expect(oneRun.summary.accepted).toBeGreaterThan(300);
    expect(oneRun.summary.duplicates).toBeGreaterThan(0);
    expect(oneRun.rejectsReport).toContain('conflict');
    expect(oneRun.rejectsReport).toContain('customer_address: is longer than 512 characters');
    expect(oneRun.alerts.length).toBeGreaterThan(0);
    expect(oneRun.deadLetters).toEqual([]);
  }, 120_000);

  it('starts no chunk inside a quoted field that spans a chunk boundary', async () => {
    const text = fileText();
    const dataStart = HEADER.length + 1;
    const fieldStart = text.indexOf(LONG_ADDRESS);
    const fieldEnd = fieldStart + Buffer.byteLength(LONG_ADDRESS);
    const boundaries = Array.from({ length: 40 }, (_, k) => dataStart + k * CHUNK_BYTES);

    // The field is longer than a chunk: some segment starts inside it.
    expect(boundaries.some((b) => b > fieldStart && b < fieldEnd)).toBe(true);
    const chunked = await ingest('boundary');
    expect(chunked.outcome.summary).toEqual(oneRun.summary);
  }, 120_000);

  it('retries the chunk tasks that failed, alone, and ends as one run would', async () => {
    const struck: string[] = [];
    const chunked = await ingest('faulty', {
      // A seed that strikes chunk tasks; every decision is keyed on the task, so it strikes
      // the same ones on every run (see fault-keys.ts).
      faults: {
        failRate: 0.1,
        duplicateRate: 0.1,
        seed: 5,
        onFault: (f) => struck.push(`${f.kind} ${f.key} attempt ${f.attempt}`),
      },
    });

    const chunkFaults = struck.filter((f) => f.includes('IngestChunkTask'));
    expect(chunkFaults.filter((f) => f.startsWith('fail ')).length).toBeGreaterThan(0);
    expect(chunkFaults.filter((f) => f.startsWith('duplicate ')).length).toBeGreaterThan(0);
    expect(chunked.outcome).toEqual(oneRun);
  }, 120_000);
});
