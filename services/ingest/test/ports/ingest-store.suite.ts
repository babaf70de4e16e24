import { beforeEach, describe, expect, it } from 'vitest';
import type { IngestStore } from '../../src/ports.ts';
import { row } from '../support/fakes.ts';

const UPLOAD = 'upload-1';

/** The IngestStore port's one test suite, run against every adapter (SQLite, DynamoDB). */
function describeIngestStore(adapter: string, makeStore: () => Promise<IngestStore>): void {
  describe(`Port: IngestStore (${adapter})`, () => {
    let store: IngestStore;
    // Creates fresh tables; on DynamoDB Local that is a few requests to a JVM.
    beforeEach(async () => {
      store = await makeStore();
    }, 60_000);

    it('records new transactions, unpublished, and no customer', async () => {
      const outcomes = await store.recordBatch(
        [
          row({ transactionId: 'T1' }),
          row({
            customerId: 'C2',
            customerAddress: '7 Mill Lane',
            transactionId: 'T1',
            amountCents: -500,
            line: 3,
          }),
        ],
        UPLOAD,
      );

      expect(outcomes).toEqual([
        { kind: 'accepted', published: false },
        { kind: 'accepted', published: false },
      ]);
      expect(await store.listTransactions('C2')).toEqual([
        { customerId: 'C2', transactionId: 'T1', transactionDate: '2023-03-01', amountCents: -500 },
      ]);
      expect(await store.listCustomers()).toEqual([]);
    });

    it('writes customers, the latest address of a customer winning', async () => {
      await store.putCustomers(
        [
          { customerId: 'C2', address: '7 Mill Lane', line: 3 },
          { customerId: 'C1', address: 'Old Street 1', line: 9 },
        ],
        UPLOAD,
      );
      await store.putCustomers(
        [{ customerId: 'C1', address: 'New Street 2', line: 2 }],
        'upload-2',
      );

      expect(await store.listCustomers()).toEqual([
        { customerId: 'C1', address: 'New Street 2' },
        { customerId: 'C2', address: '7 Mill Lane' },
      ]);
    });

    it("keeps the address of an upload's latest line, whatever order its chunks write in", async () => {
      await store.putCustomers([{ customerId: 'C1', address: 'Line 90', line: 90 }], UPLOAD);
      await store.putCustomers([{ customerId: 'C1', address: 'Line 40', line: 40 }], UPLOAD);
      const afterEarlierLine = await store.listCustomers();
      await store.putCustomers([{ customerId: 'C1', address: 'Line 90 again', line: 90 }], UPLOAD);

      expect(afterEarlierLine).toEqual([{ customerId: 'C1', address: 'Line 90' }]);
      expect(await store.listCustomers()).toEqual([{ customerId: 'C1', address: 'Line 90 again' }]);
    });

    it("calls a row published by its unit's watermark, not by another unit's or the upload's", async () => {
      await store.recordBatch([row({ transactionId: 'T1', line: 2 })], UPLOAD, 'c0');
      await store.recordBatch([row({ transactionId: 'T2', line: 50 })], UPLOAD, 'c1');
      await store.markPublishedThrough(UPLOAD, 2, 'c0');
      await store.markPublishedThrough(UPLOAD, 99);

      const seenAgain = await store.recordBatch(
        [row({ transactionId: 'T1', line: 7 }), row({ transactionId: 'T2', line: 8 })],
        'upload-2',
      );

      expect(seenAgain).toEqual([
        { kind: 'duplicate', published: true },
        { kind: 'duplicate', published: false },
      ]);
    });

    it("accepts again a row of this upload's line whichever unit recorded it", async () => {
      await store.recordBatch([row({ line: 7 })], UPLOAD, 'p1.c2');
      await store.markPublishedThrough(UPLOAD, 7, 'p1.c2');

      const again = await store.recordBatch([row({ line: 7 })], UPLOAD, 'p2.c5');
      const whole = await store.recordBatch([row({ line: 7 })], UPLOAD);

      expect(again).toEqual([{ kind: 'accepted', published: true }]);
      expect(whole).toEqual([{ kind: 'accepted', published: true }]);
    });

    it("calls an identical transaction of another upload a duplicate, unpublished until its upload's watermark passes its line", async () => {
      await store.recordBatch([row({ line: 2 })], UPLOAD);

      const beforeMark = await store.recordBatch([row({ line: 5 })], 'upload-2');
      await store.markPublishedThrough(UPLOAD, 2);
      const afterMark = await store.recordBatch([row({ line: 9 })], 'upload-3');

      expect(beforeMark).toEqual([{ kind: 'duplicate', published: false }]);
      expect(afterMark).toEqual([{ kind: 'duplicate', published: true }]);
      expect(await store.listTransactions()).toHaveLength(1);
    });

    it('recognises a redelivered upload row by row: the same line is accepted again, not a duplicate', async () => {
      await store.recordBatch([row({ line: 7 })], UPLOAD);
      await store.markPublishedThrough(UPLOAD, 7);

      const redelivered = await store.recordBatch([row({ line: 7 })], UPLOAD);
      const sameFileAgain = await store.recordBatch([row({ line: 8 })], UPLOAD);

      expect(redelivered).toEqual([{ kind: 'accepted', published: true }]);
      expect(sameFileAgain).toEqual([{ kind: 'duplicate', published: true }]);
    });

    it('counts a row as published only up to the watermark of its upload', async () => {
      const lines = [2, 3, 4].map((line) => row({ transactionId: `T${line}`, line }));
      await store.recordBatch(lines, UPLOAD);
      await store.markPublishedThrough(UPLOAD, 3);

      const redelivered = await store.recordBatch(lines, UPLOAD);

      expect(redelivered).toEqual([
        { kind: 'accepted', published: true },
        { kind: 'accepted', published: true },
        { kind: 'accepted', published: false },
      ]);
    });

    it('never moves a watermark back', async () => {
      await store.recordBatch([row({ line: 7 })], UPLOAD);
      await store.markPublishedThrough(UPLOAD, 9);

      await store.markPublishedThrough(UPLOAD, 4);

      expect(await store.recordBatch([row({ line: 7 })], UPLOAD)).toEqual([
        { kind: 'accepted', published: true },
      ]);
    });

    it('calls the same id with other data a conflict, and never overwrites', async () => {
      await store.recordBatch([row({ amountCents: 100 })], UPLOAD);

      const outcomes = await store.recordBatch(
        [
          row({ amountCents: 999, customerAddress: 'Elsewhere 9' }),
          row({ transactionDate: '2023-04-01', amountCents: 100 }),
        ],
        'upload-2',
      );

      expect(outcomes).toEqual([
        { kind: 'conflict', existing: { transactionDate: '2023-03-01', amountCents: 100 } },
        { kind: 'conflict', existing: { transactionDate: '2023-03-01', amountCents: 100 } },
      ]);
      expect(await store.listTransactions()).toEqual([
        { customerId: 'C1', transactionId: 'T1', transactionDate: '2023-03-01', amountCents: 100 },
      ]);
    });

    it('sees an earlier row of the same batch', async () => {
      const outcomes = await store.recordBatch(
        [row({ line: 2 }), row({ line: 3 }), row({ line: 4, amountCents: 1 })],
        UPLOAD,
      );

      expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'duplicate', 'conflict']);
    });

    it('keeps the same transaction id of two customers apart', async () => {
      const outcomes = await store.recordBatch(
        [row({ customerId: 'C1' }), row({ customerId: 'C2', amountCents: 5, line: 3 })],
        UPLOAD,
      );

      expect(outcomes.map((o) => o.kind)).toEqual(['accepted', 'accepted']);
    });
  });
}

export { describeIngestStore };
