import { readFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import type { LocalBucket } from '../src/adapters/local/runtime-object-store.ts';
import { createLocalIngestHandlers } from '../src/local.ts';
import { RecordingPublisher } from './support/fakes.ts';
import { objectCreatedEvent } from './support/object-created.ts';

const SAMPLE = readFileSync(new URL('../../../sample-data/transactions.txt', import.meta.url));

/** The runtime's bucket, one version per key; `broken` keys fail to read, as a lost disk would. */
function bucketOf(objects: Map<string, Uint8Array>, broken: Set<string>): LocalBucket {
  return {
    async getObject({ key, range }) {
      if (broken.has(key)) throw new Error(`cannot read ${key}`);
      const body = objects.get(key) ?? new Uint8Array();
      const [, first, last] = /^bytes=(\d+)-(\d+)$/.exec(range ?? '') ?? [];
      const bytes = first === undefined ? body : body.subarray(Number(first), Number(last) + 1);
      return (async function* () {
        yield bytes;
      })();
    },
    headObject: ({ key }) => ({ size: objects.get(key)?.length ?? 0 }),
    putObject({ key, body }) {
      objects.set(key, typeof body === 'string' ? Buffer.from(body) : body);
    },
  };
}

describe('Function: createLocalIngestHandlers', () => {
  it("sets a failed chunk task's retry on the runtime's chunk queue", async () => {
    const objects = new Map<string, Uint8Array>([['incoming/a.txt', SAMPLE]]);
    const broken = new Set<string>();
    const queued: string[] = [];
    const visibilityChanges: unknown[] = [];
    const handlers = createLocalIngestHandlers({
      db: new Database(':memory:'),
      publisher: new RecordingPublisher(),
      bucket: bucketOf(objects, broken),
      queues: {
        send: ({ body }) => queued.push(body),
        changeVisibility: (params) => visibilityChanges.push(params),
      },
      deadLettersFor: () => ({ send: async () => {} }),
      env: { INGEST_CHUNK_BYTES: '200' },
      log: { info() {}, warn() {} },
    });
    const created = objectCreatedEvent({ versionId: 'null' });
    created.detail.object.size = SAMPLE.length;
    await handlers.objectCreated(created);
    broken.add('incoming/a.txt');

    const response = await handlers.chunkTask({
      Records: [
        {
          messageId: 'm-1',
          body: queued[0] ?? '',
          receiptHandle: '7.42.2',
          attributes: { ApproximateReceiveCount: '2' },
        },
      ],
    });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'm-1' }]);
    // Its second failure: 30 to 60 s.
    expect(visibilityChanges).toEqual([
      {
        queue: 'IngestChunks',
        receiptHandle: '7.42.2',
        visibilityTimeoutSeconds: expect.any(Number),
      },
    ]);
    const [{ visibilityTimeoutSeconds }] = visibilityChanges as [
      { visibilityTimeoutSeconds: number },
    ];
    expect(visibilityTimeoutSeconds).toBeGreaterThanOrEqual(30);
    expect(visibilityTimeoutSeconds).toBeLessThanOrEqual(60);
  });
});
