import { readFileSync } from 'node:fs';
import { RecordingPublisher } from '@txnflow/contracts/testing';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SqliteIngestStore } from '../../src/adapters/local/sqlite-ingest-store.ts';
import { SqliteUploadTasks } from '../../src/adapters/local/sqlite-upload-tasks.ts';
import { startChunkedIngest } from '../../src/domain/chunked-ingest.ts';
import { readFileHeader } from '../../src/parsing/file-header.ts';
import { ingestInChunks, ingestWhole, UPLOAD } from '../support/chunk-driver.ts';
import { MemoryObjectStore } from '../support/fakes.ts';
import { transactionsFileArbitrary } from '../support/random-files.ts';

const SAMPLE = readFileSync(new URL('../../../../sample-data/transactions.txt', import.meta.url));
const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount';

/** What must be the same however the file is cut: everything but how it was run. */
const outcomeOf = ({
  tasksRun: _,
  failures: __,
  ...outcome
}: Awaited<ReturnType<typeof ingestWhole>>) => outcome;

describe('Function: runChunkTask', () => {
  it('ingests the sample file in many chunks exactly as in one run', async () => {
    const whole = await ingestWhole(SAMPLE);

    const chunked = await ingestInChunks(SAMPLE, 100);

    expect(outcomeOf(chunked)).toEqual(outcomeOf(whole));
    expect(whole.summary.accepted).toBeGreaterThan(0);
    // 1,414 bytes in 100-byte segments: 14 scans, then keys and record tasks per chunk.
    expect(chunked.tasksRun).toBeGreaterThan(3 * 13);
  });

  it('keeps a quoted field with line breaks whole when a chunk boundary falls inside it', async () => {
    const file = Buffer.from(
      [
        HEADER,
        'C1|1 Main St|T1|2023-03-01|10.00',
        `C2|"Flat 2\nThe Old Mill\nC9|fake|T9|2023-03-01|999.00\nBristol"|T2|2023-03-01|20.00`,
        'C1|1 Main St|T3|2023-03-01|x',
        'C2|2 Side St|T4|2023-03-02|5.00',
        '',
      ].join('\n'),
    );

    const chunked = await ingestInChunks(file, 30, { concurrency: 4 });

    expect(outcomeOf(chunked)).toEqual(outcomeOf(await ingestWhole(file)));
    expect(chunked.published.map((p) => p.split(' ')[0])).toEqual(['C1/T1', 'C2/T2', 'C2/T4']);
    expect(chunked.summary.rejected).toEqual([
      { line: 7, reason: expect.stringContaining('trn_amount') },
    ]);
  });

  it('records a transaction met in several chunks in line order: the first accepted, a later one a conflict', async () => {
    const rows = Array.from({ length: 12 }, (_, i) => `C1|Addr ${i}|T${i}|2023-03-01|1.00`);
    const file = Buffer.from(
      [HEADER, 'C7|First|T7|2023-03-01|7.00', ...rows, 'C7|Last|T7|2023-03-01|9.00', ''].join('\n'),
    );

    // The last chunk runs first: without deferring, its T7 would be recorded before the first's.
    const chunked = await ingestInChunks(file, 40, { pick: (waiting) => waiting - 1 });

    expect(outcomeOf(chunked)).toEqual(outcomeOf(await ingestWhole(file)));
    expect(chunked.published).toContain('C7/T7 7.00 2023-03-01 2');
    expect(chunked.summary.rejected).toEqual([
      { line: 15, reason: expect.stringContaining('was recorded as 7.00 on 2023-03-01') },
    ]);
    expect(chunked.customers).toContainEqual({ customerId: 'C7', address: 'First' });
  });

  it('retries a failed chunk alone, before or midway through its rows, and ends as one run would', async () => {
    const whole = await ingestWhole(SAMPLE);

    const chunked = await ingestInChunks(SAMPLE, 120, {
      concurrency: 3,
      fails: (task, attempt) => {
        if (attempt > 1) return undefined;
        if (task.kind === 'record' && task.chunk.index === 2) return 'midway';
        if (task.kind === 'scan' && task.segment === 4) return 'before';
        return task.kind === 'keys' && task.chunk.index === 5 ? 'before' : undefined;
      },
    });

    expect(chunked.failures).toBe(3);
    expect(outcomeOf(chunked)).toEqual(outcomeOf(whole));
  });

  it('reads a file whose data fits in one chunk whole, and so one whose header it cannot use', async () => {
    const objects = new MemoryObjectStore();
    const db = new Database(':memory:');
    const deps = {
      objects,
      store: new SqliteIngestStore(db),
      publisher: new RecordingPublisher(),
      tasks: new SqliteUploadTasks(db),
      queue: { send: async () => {} },
    };
    objects.put(UPLOAD.bucket, UPLOAD.key, SAMPLE, UPLOAD.versionId);

    expect(await startChunkedIngest(UPLOAD, deps, SAMPLE.length)).toEqual({
      kind: 'whole-file',
      reason: 'its data fits in one chunk',
    });
    objects.put(
      UPLOAD.bucket,
      UPLOAD.key,
      `bad header\n${'C1|a|T1|2023-03-01|1\n'.repeat(9)}`,
      'v1',
    );
    expect(await startChunkedIngest(UPLOAD, deps, 16)).toMatchObject({ kind: 'whole-file' });
  });

  it('ingests any file in chunks of any size, in any order, exactly as in one run', async () => {
    await fc.assert(
      fc.asyncProperty(
        transactionsFileArbitrary({ maxRows: 30 }),
        fc.integer({ min: 8, max: 200 }),
        fc.integer({ min: 1, max: 4 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 20 }),
        async (file, chunkBytes, concurrency, picks) => {
          const whole = await ingestWhole(file);
          fc.pre(whole.summary.unreadable === undefined);
          const read = readFileHeader(file, UPLOAD.key);
          fc.pre(read.kind === 'header' && file.length - read.header.dataStart > chunkBytes);
          let n = 0;
          const chunked = await ingestInChunks(file, chunkBytes, {
            concurrency,
            pick: (waiting) => (picks[n++ % picks.length] ?? 0) % waiting,
          });
          expect(outcomeOf(chunked)).toEqual(outcomeOf(whole));
        },
      ),
      { numRuns: 60 },
    );
  });
});
