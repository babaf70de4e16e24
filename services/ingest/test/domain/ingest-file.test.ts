import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteIngestStore } from '../../src/adapters/local/sqlite-ingest-store.ts';
import { type IngestFileInput, ingestFile } from '../../src/domain/ingest-file.ts';
import type { CustomerWrite, IngestStore } from '../../src/ports.ts';
import { MemoryObjectStore, RecordingPublisher, transactionsFile } from '../support/fakes.ts';

const idsOf = (events: readonly { detail: { data: unknown } }[]) =>
  events.map((e) => (e.detail.data as { transactionId: string }).transactionId);

/** A store that records what it was asked to write and can fail one call, as a crash would. */
function watched(store: IngestStore) {
  const writes = { customers: [] as CustomerWrite[][], watermarks: [] as number[] };
  const failing = { markPublishedThrough: 0 };
  const wrapper: IngestStore = {
    recordBatch: (rows, uploadId, unit) => store.recordBatch(rows, uploadId, unit),
    putCustomers: async (customers, uploadId) => {
      writes.customers.push([...customers]);
      await store.putCustomers(customers, uploadId);
    },
    markPublishedThrough: async (uploadId, line, unit) => {
      failing.markPublishedThrough -= 1;
      if (failing.markPublishedThrough === 0) throw new Error('process killed');
      writes.watermarks.push(line);
      await store.markPublishedThrough(uploadId, line, unit);
    },
    listCustomers: () => store.listCustomers(),
    listTransactions: (customerId) => store.listTransactions(customerId),
  };
  return { store: wrapper, writes, failing };
}

const rowsOfFile = (count: number) =>
  Array.from({ length: count }, (_, i) => [
    `C${i % 2}`,
    `Addr ${i % 2}`,
    `T${i + 1}`,
    '2023-03-01',
    `${i + 1}.00`,
  ]);

const input: IngestFileInput = {
  bucket: 'uploads',
  key: 'incoming/march.txt',
  versionId: 'v1',
  correlationId: 'run-1',
  causationId: 'object-created-1',
};

describe('Function: ingestFile', () => {
  let objects: MemoryObjectStore;
  let store: SqliteIngestStore;
  let publisher: RecordingPublisher;
  const ingest = (batchSize = 2) => ingestFile(input, { objects, store, publisher, batchSize });
  const upload = (text: string, versionId = input.versionId) =>
    objects.put(input.bucket, input.key, text, versionId);

  beforeEach(() => {
    objects = new MemoryObjectStore();
    store = new SqliteIngestStore(new Database(':memory:'));
    publisher = new RecordingPublisher();
  });

  it('records every good row and publishes one TransactionRecorded per row, with its line', async () => {
    upload(
      transactionsFile([
        ['C1', 'Addr 1', 'T1', '2023-03-01', '10.00'],
        ['C2', 'Addr 2', 'T2', '2023-03-02', '-2.5'],
        ['C1', 'Addr 1b', 'T3', '2023-03-03', '1'],
      ]),
    );

    const summary = await ingest();

    expect(summary).toMatchObject({
      file: 'incoming/march.txt',
      accepted: 3,
      duplicates: 0,
      rejected: [],
    });
    expect(publisher.published.map((e) => [e.source, e.detailType, e.detail.data])).toEqual([
      [
        'txnflow.ingest',
        'TransactionRecorded',
        expect.objectContaining({
          transactionId: 'T1',
          amount: '10.00',
          source: { bucket: 'uploads', key: 'incoming/march.txt', line: 2 },
        }),
      ],
      [
        'txnflow.ingest',
        'TransactionRecorded',
        expect.objectContaining({
          transactionId: 'T2',
          amount: '-2.50',
          source: expect.objectContaining({ line: 3 }),
        }),
      ],
      [
        'txnflow.ingest',
        'TransactionRecorded',
        expect.objectContaining({
          transactionId: 'T3',
          amount: '1.00',
          customerAddress: 'Addr 1b',
        }),
      ],
    ]);
    expect(new Set(publisher.published.map((e) => e.detail.metadata.correlationId))).toEqual(
      new Set(['run-1']),
    );
    expect(await store.listCustomers()).toEqual([
      { customerId: 'C1', address: 'Addr 1b' },
      { customerId: 'C2', address: 'Addr 2' },
    ]);
  });

  it('lets good rows through, reports bad rows with line and reason, and writes both reports', async () => {
    upload(
      transactionsFile([
        ['C1', 'Addr', 'T1', '2023-03-01', '10.00'],
        ['C1', 'Addr', 'T2', '2023-02-30', '10.00'],
        ['C1', 'Addr', 'T3', '2023-03-01', '1.234'],
        ['C1', 'Addr', 'T4', '2023-03-01', '4.00'],
      ]),
    );

    const summary = await ingest();

    expect(summary.accepted).toBe(2);
    expect(summary.rejected).toEqual([
      {
        line: 3,
        reason: 'trn_date: "2023-02-30" is not a calendar date (YYYY-MM-DD or ISO date-time)',
      },
      { line: 4, reason: 'trn_amount: "1.234": has 3 decimal places, at most 2 are allowed' },
    ]);
    expect(objects.text('uploads', 'reports/incoming/march.txt/v1.rejects.csv')).toBe(
      'line,reason\n3,"trn_date: ""2023-02-30"" is not a calendar date (YYYY-MM-DD or ISO date-time)"\n' +
        '4,"trn_amount: ""1.234"": has 3 decimal places, at most 2 are allowed"\n',
    );
    expect(
      JSON.parse(objects.text('uploads', 'reports/incoming/march.txt/v1.summary.json') ?? '{}'),
    ).toEqual(summary);
  });

  it('counts an identical row seen again as a duplicate with no effect, and rejects a conflict', async () => {
    upload(
      transactionsFile([
        ['C1', 'Addr', 'T1', '2023-03-01', '10.00'],
        ['C1', 'Addr', 'T1', '2023-03-01', '10.00'],
        ['C1', 'Addr', 'T1', '2023-03-01', '99.00'],
      ]),
    );

    const summary = await ingest();

    expect(summary).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(summary.rejected).toEqual([
      {
        line: 4,
        reason:
          'trn_id: conflict: T1 of C1 was recorded as 10.00 on 2023-03-01, this row says 99.00 on 2023-03-01',
      },
    ]);
    expect(publisher.published).toHaveLength(1);
  });

  it('publishes nothing again when the same file is uploaded twice: the second upload is all duplicates', async () => {
    upload(transactionsFile([['C1', 'Addr', 'T1', '2023-03-01', '10.00']]));

    await ingest();
    const second = await ingestFile(
      { ...input, correlationId: 'run-2' },
      { objects, store, publisher },
    );

    expect(second).toMatchObject({ accepted: 0, duplicates: 1, rejected: [] });
    expect(publisher.published).toHaveLength(1);
  });

  it('reports the same summary when one upload is delivered twice, and publishes once', async () => {
    upload(
      transactionsFile([
        ['C1', 'Addr', 'T1', '2023-03-01', '10.00'],
        ['C1', 'Addr', 'T1', '2023-03-01', '10.00'],
      ]),
    );

    const first = await ingest();
    const redelivery = await ingest();

    expect(redelivery).toEqual(first);
    expect(first).toMatchObject({ accepted: 1, duplicates: 1 });
    expect(publisher.published).toHaveLength(1);
  });

  it('reads the version it is given, though the key was overwritten since', async () => {
    upload(transactionsFile([['C1', 'Addr', 'T1', '2023-03-01', '10.00']]), 'v1');
    upload(transactionsFile([['C1', 'Addr', 'T9', '2023-03-01', '99.00']]), 'v2');

    const summary = await ingest();

    expect(objects.reads).toEqual([
      { bucket: 'uploads', key: 'incoming/march.txt', versionId: 'v1' },
    ]);
    expect(summary).toMatchObject({ versionId: 'v1', accepted: 1 });
    expect((await store.listTransactions()).map((t) => t.transactionId)).toEqual(['T1']);
  });

  it('writes the reports of each version of a key apart, so neither overwrites the other', async () => {
    upload(transactionsFile([['C1', 'Addr', 'T1', '2023-03-01', 'oops']]), 'v1');
    upload(transactionsFile([['C1', 'Addr', 'T1', '2023-03-01', '1.00']]), 'v2');

    await ingestFile(
      { ...input, versionId: 'v2', correlationId: 'run-2' },
      { objects, store, publisher },
    );
    await ingest();

    expect(objects.text('uploads', 'reports/incoming/march.txt/v1.rejects.csv')).toMatch(
      /^line,reason\n2,/,
    );
    expect(objects.text('uploads', 'reports/incoming/march.txt/v2.rejects.csv')).toBe(
      'line,reason\n',
    );
  });

  it('publishes on a retry the rows whose events a failure left unpublished', async () => {
    upload(
      transactionsFile([
        ['C1', 'Addr', 'T1', '2023-03-01', '10.00'],
        ['C1', 'Addr', 'T2', '2023-03-01', '1.00'],
      ]),
    );
    publisher.failuresLeft = 1;

    await expect(ingest()).rejects.toThrow('EventBridge unavailable');
    const retry = await ingest();

    expect(retry).toMatchObject({ accepted: 2, duplicates: 0 });
    expect(
      publisher.published.map((e) => (e.detail.data as { transactionId: string }).transactionId),
    ).toEqual(['T1', 'T2']);
  });

  it('writes each customer once per run, and again only when its address changes', async () => {
    upload(
      transactionsFile([
        ['C1', 'Addr 1', 'T1', '2023-03-01', '1.00'],
        ['C2', 'Addr 2', 'T2', '2023-03-01', '1.00'],
        ['C1', 'Addr 1', 'T3', '2023-03-01', '1.00'],
        ['C2', 'Addr 2', 'T4', '2023-03-01', '1.00'],
        ['C1', 'Addr 1', 'T5', '2023-03-01', '1.00'],
        ['C1', 'Addr 1b', 'T6', '2023-03-01', '1.00'],
      ]),
    );
    const spy = watched(store);

    await ingestFile(input, { objects, store: spy.store, publisher, batchSize: 2 });

    expect(spy.writes.customers).toEqual([
      [
        { customerId: 'C1', address: 'Addr 1', line: 2 },
        { customerId: 'C2', address: 'Addr 2', line: 3 },
      ],
      [{ customerId: 'C1', address: 'Addr 1b', line: 7 }],
    ]);
    expect(await store.listCustomers()).toEqual([
      { customerId: 'C1', address: 'Addr 1b' },
      { customerId: 'C2', address: 'Addr 2' },
    ]);
  });

  it('moves the upload watermark once per batch, to its last line, after publishing it', async () => {
    upload(transactionsFile(rowsOfFile(5)));
    const spy = watched(store);

    await ingestFile(input, { objects, store: spy.store, publisher, batchSize: 2 });

    expect(spy.writes.watermarks).toEqual([3, 5, 6]);
  });

  it('after a crash between batches, republishes exactly the rows past the watermark and reports the same summary', async () => {
    upload(transactionsFile(rowsOfFile(7)));
    const spy = watched(store);
    const uninterrupted = await ingestFile(input, {
      objects,
      store: new SqliteIngestStore(new Database(':memory:')),
      publisher: new RecordingPublisher(),
      batchSize: 2,
    });
    spy.failing.markPublishedThrough = 3; // the third batch is published, its watermark is not

    await expect(
      ingestFile(input, { objects, store: spy.store, publisher, batchSize: 2 }),
    ).rejects.toThrow('process killed');
    const firstRun = idsOf(publisher.published.splice(0));
    const redelivery = await ingestFile(input, {
      objects,
      store: spy.store,
      publisher,
      batchSize: 2,
    });

    expect(firstRun).toEqual(['T1', 'T2', 'T3', 'T4', 'T5', 'T6']);
    expect(spy.writes.watermarks).toEqual([3, 5, 3, 5, 7, 8]);
    expect(idsOf(publisher.published)).toEqual(['T5', 'T6', 'T7']);
    expect(redelivery).toEqual(uninterrupted);
    expect(await store.listCustomers()).toEqual([
      { customerId: 'C0', address: 'Addr 0' },
      { customerId: 'C1', address: 'Addr 1' },
    ]);
  });

  it('after a crash while publishing a batch, publishes that batch and the rest on redelivery', async () => {
    upload(transactionsFile(rowsOfFile(5)));
    let publishes = 0;
    const crashing = {
      publish: async (events: Parameters<RecordingPublisher['publish']>[0]) => {
        publishes += 1;
        if (publishes === 2) throw new Error('process killed');
        await publisher.publish(events);
      },
    };

    await expect(
      ingestFile(input, { objects, store, publisher: crashing, batchSize: 2 }),
    ).rejects.toThrow('process killed');
    const redelivery = await ingest();

    expect(idsOf(publisher.published)).toEqual(['T1', 'T2', 'T3', 'T4', 'T5']);
    expect(redelivery).toMatchObject({ accepted: 5, duplicates: 0, rejected: [] });
  });

  it('reports a file with a wrong header as unreadable and rejected at line 1, and records nothing', async () => {
    upload('id|amount\nC1|1.00\n');

    const summary = await ingest();

    expect(summary).toMatchObject({ accepted: 0, duplicates: 0 });
    expect(summary.unreadable).toMatch(/^header must be customer_id\|/);
    expect(summary.rejected).toEqual([{ line: 1, reason: summary.unreadable }]);
    expect(await store.listTransactions()).toEqual([]);
  });

  it('says nothing is unreadable about a file whose rows are all rejected', async () => {
    upload(transactionsFile([['C1', 'A', 'T1', '2023-02-30', '1.00']]));

    const summary = await ingest();

    expect(summary.rejected).toHaveLength(1);
    expect(summary).not.toHaveProperty('unreadable');
  });

  it('ingests the sample file: 24 rows over 2 customers, nothing rejected', async () => {
    const { readFile } = await import('node:fs/promises');
    upload(
      await readFile(new URL('../../../../sample-data/transactions.txt', import.meta.url), 'utf8'),
    );

    const summary = await ingest(500);

    expect(summary).toMatchObject({ accepted: 24, duplicates: 0, rejected: [] });
  });
});
