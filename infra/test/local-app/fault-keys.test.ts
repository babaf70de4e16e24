import { describe, expect, it } from 'vitest';
import { txnflowFaultKey } from '../../local-app/fault-keys.ts';

/** An event as a run delivers it: ids and times that differ on every run. */
function delivered(detailType: string, detail: object, run: number) {
  return {
    id: `event-${run}`,
    time: `2026-11-20T09:15:0${run}Z`,
    source: 'txnflow.test',
    'detail-type': detailType,
    detail,
  };
}

const metadata = (run: number) => ({
  eventId: `meta-${run}`,
  correlationId: `upload-${run}`,
  occurredAt: `2026-11-20T09:15:0${run}Z`,
});

describe('Function: txnflowFaultKey', () => {
  it('keys a TransactionRecorded by its customer and transaction, not by ids or times', () => {
    const data = { customerId: 'C7', transactionId: 'T123', amount: '10.00' };
    const first = txnflowFaultKey(
      delivered('TransactionRecorded', { metadata: metadata(1), data }, 1),
    );
    const again = txnflowFaultKey(
      delivered('TransactionRecorded', { metadata: metadata(2), data }, 2),
    );
    const other = txnflowFaultKey(
      delivered(
        'TransactionRecorded',
        { metadata: metadata(1), data: { ...data, transactionId: 'T124' } },
        1,
      ),
    );

    expect(first).toBe('TransactionRecorded C7/T123');
    expect(again).toBe(first);
    expect(other).not.toBe(first);
  });

  it('keys a HighBalanceDetected by the customer and threshold, whichever transaction crossed it', () => {
    const crossing = (transactionId: string, run: number) =>
      txnflowFaultKey(
        delivered(
          'HighBalanceDetected',
          {
            metadata: metadata(run),
            data: {
              alertId: `C7#${transactionId}`,
              customerId: 'C7',
              threshold: '1500.00',
              transaction: { transactionId },
            },
          },
          run,
        ),
      );

    expect(crossing('T5', 1)).toBe('HighBalanceDetected C7@1500.00');
    expect(crossing('T9', 2)).toBe(crossing('T5', 1));
  });

  it('keys an S3 "Object Created" by bucket, key and ETag, not by request id', () => {
    const upload = (requestId: string, etag: string) =>
      txnflowFaultKey(
        delivered(
          'Object Created',
          {
            bucket: { name: 'uploads' },
            object: { key: 'incoming/a.txt', etag },
            'request-id': requestId,
          },
          1,
        ),
      );

    expect(upload('R1', 'e1')).toBe('Object Created uploads/incoming/a.txt@e1');
    expect(upload('R2', 'e1')).toBe(upload('R1', 'e1'));
    expect(upload('R1', 'e2')).not.toBe(upload('R1', 'e1'));
  });

  it("keys a chunked upload's task by file, size, plan and task, not by version or event ids", () => {
    const task = (run: number, detail: object) =>
      txnflowFaultKey(
        delivered(
          'IngestChunkTask',
          {
            upload: {
              bucket: 'uploads',
              key: 'incoming/big.txt',
              versionId: `v${run}`,
              correlationId: `upload-${run}`,
              causationId: `event-${run}`,
              size: 9_000,
              segmentBytes: 1_000,
            },
            ...detail,
          },
          run,
        ),
      );

    expect(task(1, { kind: 'scan', segment: 3 })).toBe(
      'IngestChunkTask uploads/incoming/big.txt#9000/1000 scan 3',
    );
    expect(task(2, { kind: 'scan', segment: 3 })).toBe(task(1, { kind: 'scan', segment: 3 }));
    expect(task(1, { kind: 'record', chunk: { index: 3 } })).toBe(
      'IngestChunkTask uploads/incoming/big.txt#9000/1000 record 3',
    );
    expect(task(1, { kind: 'tail', next: 0 })).not.toBe(task(1, { kind: 'tail', next: 1 }));
  });

  it('keys any other event by its source, detail-type and detail', () => {
    expect(txnflowFaultKey(delivered('Other', { n: 1 }, 1))).toBe(
      '["txnflow.test","Other",{"n":1}]',
    );
  });
});
