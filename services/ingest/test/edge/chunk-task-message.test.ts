import { describe, expect, it } from 'vitest';
import { type ChunkedUpload, chunkTaskBody } from '../../src/domain/chunk-tasks.ts';
import { readChunkTask } from '../../src/edge/chunk-task-message.ts';

const upload: ChunkedUpload = {
  bucket: 'uploads',
  key: 'incoming/big.txt',
  versionId: 'v1',
  correlationId: 'upload-1',
  causationId: 'object-created-1',
  size: 1_000,
  segmentBytes: 100,
  header: { text: 'h\n', line: 'h', delimiter: '|', dataStart: 2, lineEnd: 'lf' },
};
const chunk = { index: 0, start: 2, end: 500, firstLine: 2 };

describe('Function: readChunkTask', () => {
  it.each([
    { kind: 'scan' as const, upload, segment: 3 },
    { kind: 'keys' as const, upload, chunk, chunks: 4 },
    { kind: 'record' as const, upload, chunk, chunks: 4 },
    { kind: 'tail' as const, upload, chunks: 4, deferredIn: [1, 3], next: 1 },
  ])('reads back a $kind task as it was sent', (task) => {
    expect(readChunkTask(chunkTaskBody(task))).toEqual({ ok: true, task });
  });

  it('names what is wrong with a task of a known kind, not what the other kinds would need', () => {
    const body = chunkTaskBody({
      kind: 'record',
      upload,
      chunk: { ...chunk, firstLine: 1 },
      chunks: 4,
    });

    expect(readChunkTask(body)).toEqual({
      ok: false,
      issues: [{ path: '/detail/chunk/firstLine', message: 'must be >= 2' }],
    });
  });

  it('refuses a message that is not a chunk task, or not JSON', () => {
    const event = JSON.stringify({
      source: 'txnflow.ingest',
      'detail-type': 'TransactionRecorded',
      detail: {},
    });

    expect(readChunkTask(event)).toMatchObject({ ok: false });
    expect(readChunkTask('scan 3')).toMatchObject({
      ok: false,
      issues: [{ path: '', message: expect.stringContaining('is not JSON') }],
    });
  });
});
