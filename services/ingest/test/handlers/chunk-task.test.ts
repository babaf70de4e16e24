import { readFileSync } from 'node:fs';
import type { DeadLetterSink } from '@txnflow/contracts';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteIngestStore } from '../../src/adapters/local/sqlite-ingest-store.ts';
import { SqliteUploadTasks } from '../../src/adapters/local/sqlite-upload-tasks.ts';
import { makeChunkTaskHandler } from '../../src/handlers/chunk-task.ts';
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

/** Ingest's two handlers on one set of fakes, the chunk queue in memory. */
function ingest(chunkBytes: number) {
  const objects = new MemoryObjectStore();
  const db = new Database(':memory:');
  const store = new SqliteIngestStore(db);
  const tasks = new SqliteUploadTasks(db);
  const publisher = new RecordingPublisher();
  const queued: string[] = [];
  const queue = { send: async (bodies: readonly string[]) => void queued.push(...bodies) };
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
    deadLettered,
    logged,
    objectCreated: makeObjectCreatedHandler({ ...common, chunking: { tasks, queue, chunkBytes } }),
    chunkTask: makeChunkTaskHandler({ ...common, tasks, queue }),
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
      const response = await h.chunkTask({ Records: [{ messageId: `m${n++}`, body }] });
      expect(response).toEqual({ batchItemFailures: [] });
    }

    expect(started).toMatchObject({ kind: 'chunked', segments: 7 });
    expect(h.logged.filter((m) => m === 'ingested file')).toHaveLength(1);
    expect(h.objects.keys('uploads')).toContain(`reports/incoming/a.txt/${versionId}.summary.json`);
    expect(h.publisher.published).toHaveLength(24);
  });

  it('reports a task that failed, so that it alone is received again', async () => {
    const h = ingest(200);
    const versionId = h.objects.put('uploads', 'incoming/a.txt', SAMPLE);
    await h.objectCreated(sampleCreated(versionId));
    const [first, second] = h.queued.splice(0, 2);
    h.objects.put('uploads', 'incoming/a.txt', 'overwritten', versionId); // the version is gone

    const response = await h.chunkTask({
      Records: [
        { messageId: 'one', body: first ?? '' },
        { messageId: 'two', body: second ?? '' },
      ],
    });

    expect(response.batchItemFailures).toEqual([
      { itemIdentifier: 'one' },
      { itemIdentifier: 'two' },
    ]);
    expect(h.logged).toContain('chunk task failed; it is retried');
  });

  it('dead-letters a message that is not a task, with the reason, and runs the others', async () => {
    const h = ingest(200);

    const response = await h.chunkTask({ Records: [{ messageId: 'x', body: '{"kind":"scan"}' }] });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(h.deadLettered).toEqual([
      { body: '{"kind":"scan"}', reason: expect.stringContaining('source is required') },
    ]);
  });
});
