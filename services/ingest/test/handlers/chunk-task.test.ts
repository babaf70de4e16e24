import { readFileSync } from 'node:fs';
import type { DeadLetterSink } from '@txnflow/contracts';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteIngestStore } from '../../src/adapters/local/sqlite-ingest-store.ts';
import { SqliteUploadTasks } from '../../src/adapters/local/sqlite-upload-tasks.ts';
import { makeChunkTaskHandler, retryDelaySeconds } from '../../src/handlers/chunk-task.ts';
import { makeObjectCreatedHandler } from '../../src/handlers/object-created.ts';
import { MemoryObjectStore, RecordingPublisher } from '../support/fakes.ts';
import { objectCreatedEvent } from '../support/object-created.ts';

const SAMPLE = readFileSync(new URL('../../../../sample-data/transactions.txt', import.meta.url));

/** S3's event for the sample file, put at `incoming/a.txt` as `versionId`. */
function sampleCreated(versionId: string) {
  const event = objectCreatedEvent({ versionId, encodedKey: 'incoming/a.txt' });
  event.detail.object.size = SAMPLE.length;
  return event;
}

/** A chunk queue message as Lambda hands it over, on its `receives`-th receive. */
function record(messageId: string, body: string, receives = 1) {
  return {
    messageId,
    body,
    receiptHandle: `handle-of-${messageId}`,
    attributes: { ApproximateReceiveCount: String(receives) },
  };
}

/** Ingest's two handlers on one set of fakes, the chunk queue in memory. */
function ingest(chunkBytes: number, options: { retryFails?: boolean } = {}) {
  const objects = new MemoryObjectStore();
  const db = new Database(':memory:');
  const store = new SqliteIngestStore(db);
  const tasks = new SqliteUploadTasks(db);
  const publisher = new RecordingPublisher();
  const queued: string[] = [];
  const retries: { receiptHandle: string; seconds: number }[] = [];
  const queue = {
    send: async (bodies: readonly string[]) => void queued.push(...bodies),
    retryIn: async (receiptHandle: string, seconds: number) => {
      if (options.retryFails) throw new Error('AccessDenied');
      retries.push({ receiptHandle, seconds });
    },
  };
  const deadLettered: { body: string; reason: string }[] = [];
  const deadLetters: DeadLetterSink = {
    send: async (body, reason) => void deadLettered.push({ body, reason }),
  };
  const logged: string[] = [];
  const log = {
    info: (m: string) => void logged.push(m),
    warn: (m: string) => void logged.push(m),
  };
  const common = { objects, store, publisher, deadLetters, log };
  return {
    objects,
    publisher,
    queued,
    retries,
    deadLettered,
    logged,
    objectCreated: makeObjectCreatedHandler({ ...common, chunking: { tasks, queue, chunkBytes } }),
    // The longest delay of each receive's range, so the tests know it.
    chunkTask: makeChunkTaskHandler({ ...common, tasks, queue, random: () => 1 }),
  };
}

describe('Handler: chunkTask', () => {
  it('runs the chunk queue until the summary is written, as the object-created handler left it', async () => {
    const h = ingest(200);
    const versionId = h.objects.put('uploads', 'incoming/a.txt', SAMPLE);

    const started = await h.objectCreated(sampleCreated(versionId));
    let n = 0;
    while (h.queued.length > 0) {
      const body = h.queued.shift() as string;
      const response = await h.chunkTask({ Records: [record(`m${n++}`, body)] });
      expect(response).toEqual({ batchItemFailures: [] });
    }

    expect(started).toMatchObject({ kind: 'chunked', segments: 7 });
    expect(h.logged.filter((m) => m === 'ingested file')).toHaveLength(1);
    expect(h.objects.keys('uploads')).toContain(`reports/incoming/a.txt/${versionId}.summary.json`);
    expect(h.publisher.published).toHaveLength(24);
  });

  it('reports a task that failed, so that it alone is received again, after a backoff by its receives', async () => {
    const h = ingest(200);
    const versionId = h.objects.put('uploads', 'incoming/a.txt', SAMPLE);
    await h.objectCreated(sampleCreated(versionId));
    const [first, second] = h.queued.splice(0, 2);
    h.objects.put('uploads', 'incoming/a.txt', 'overwritten', versionId); // the version is gone

    const response = await h.chunkTask({
      Records: [record('one', first ?? '', 1), record('two', second ?? '', 3)],
    });

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'one' },
      { itemIdentifier: 'two' },
    ]);
    expect(h.logged).toContain('chunk task failed; it is retried');
    // 30 s after a first failure, 120 s after a third, not the queue's 5,400 s.
    expect(h.retries).toEqual([
      { receiptHandle: 'handle-of-one', seconds: 30 },
      { receiptHandle: 'handle-of-two', seconds: 120 },
    ]);
  });

  it("still reports a failed task when its backoff cannot be set, which then waits the queue's timeout", async () => {
    const h = ingest(200, { retryFails: true });
    const versionId = h.objects.put('uploads', 'incoming/a.txt', SAMPLE);
    await h.objectCreated(sampleCreated(versionId));
    const [first] = h.queued.splice(0, 1);
    h.objects.put('uploads', 'incoming/a.txt', 'overwritten', versionId);

    const response = await h.chunkTask({ Records: [record('one', first ?? '')] });

    expect(response.batchItemFailures).toEqual([{ itemIdentifier: 'one' }]);
    expect(h.logged).toContain(
      "could not set the task's retry; it is retried after the queue's timeout",
    );
  });

  it('dead-letters a message that is not a task, with the reason, and runs the others', async () => {
    const h = ingest(200);

    const response = await h.chunkTask({ Records: [record('x', '{"kind":"scan"}')] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(h.deadLettered).toEqual([
      { body: '{"kind":"scan"}', reason: expect.stringContaining('source is required') },
    ]);
  });
});

describe('Function: retryDelaySeconds', () => {
  it.each([
    [1, 15, 30],
    [2, 30, 60],
    [3, 60, 120],
    [5, 240, 480],
    [6, 450, 900],
    [40, 450, 900],
  ])(
    'waits between half and all of the ceiling after receive %i (%i to %i s)',
    (receives, low, high) => {
      expect(retryDelaySeconds(receives, () => 0)).toBe(low);
      expect(retryDelaySeconds(receives, () => 1)).toBe(high);
      const some = retryDelaySeconds(receives);
      expect(some).toBeGreaterThanOrEqual(low);
      expect(some).toBeLessThanOrEqual(high);
    },
  );
});
