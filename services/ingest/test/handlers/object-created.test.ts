import type { DeadLetterSink } from '@txnflow/contracts';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteIngestStore } from '../../src/adapters/local/sqlite-ingest-store.ts';
import { uploadIdOf } from '../../src/domain/upload-id.ts';
import { makeObjectCreatedHandler } from '../../src/handlers/object-created.ts';
import { MemoryObjectStore, RecordingPublisher, transactionsFile } from '../support/fakes.ts';
import { objectCreatedEvent, objectCreatedWith } from '../support/object-created.ts';

/** A dead-letter sink that keeps what it is sent. */
class RecordingDeadLetters implements DeadLetterSink {
  readonly sent: { body: string; reason: string }[] = [];

  async send(body: string, reason: string): Promise<void> {
    this.sent.push({ body, reason });
  }
}

const KEY = 'incoming/my file+1 é.txt';
const ENCODED_KEY = 'incoming/my+file%2B1+%C3%A9.txt';

describe('Handler: objectCreated', () => {
  let objects: MemoryObjectStore;
  let publisher: RecordingPublisher;
  let deadLetters: RecordingDeadLetters;
  let logged: { message: string; extra: Record<string, unknown> }[];
  let handler: ReturnType<typeof makeObjectCreatedHandler>;

  beforeEach(() => {
    objects = new MemoryObjectStore();
    publisher = new RecordingPublisher();
    deadLetters = new RecordingDeadLetters();
    logged = [];
    const log = (message: string, extra?: Record<string, unknown>) =>
      void logged.push({ message, extra: extra ?? {} });
    handler = makeObjectCreatedHandler({
      objects,
      store: new SqliteIngestStore(new Database(':memory:')),
      publisher,
      deadLetters,
      log: { info: log, warn: log },
    });
  });

  const file = (...amounts: string[]) =>
    transactionsFile(amounts.map((amount, i) => ['C1', 'Addr', `T${i + 1}`, '2023-03-01', amount]));

  describe('a valid event', () => {
    it('ingests the version the event names, its key decoded, though the key was overwritten since', async () => {
      const v1 = objects.put('uploads', KEY, file('5.00'));
      objects.put('uploads', KEY, file('7.00', '8.00'));

      const outcome = await handler(objectCreatedEvent({ encodedKey: ENCODED_KEY, versionId: v1 }));

      expect(objects.reads).toEqual([{ bucket: 'uploads', key: KEY, versionId: v1 }]);
      expect(outcome).toEqual({
        kind: 'ingested',
        summary: expect.objectContaining({ file: KEY, versionId: v1, accepted: 1, rejected: [] }),
      });
      expect(objects.keys('uploads')).toEqual(
        expect.arrayContaining([
          `reports/${KEY}/${v1}.rejects.csv`,
          `reports/${KEY}/${v1}.summary.json`,
        ]),
      );
      expect(logged).toEqual([
        {
          message: 'ingested file',
          extra: {
            eventId: '17793124-05d4-b198-2fde-7ededc63b103',
            correlationId: uploadIdOf({ bucket: 'uploads', key: KEY, versionId: v1 }),
            causationId: '17793124-05d4-b198-2fde-7ededc63b103',
            bucket: 'uploads',
            file: KEY,
            versionId: v1,
            accepted: 1,
            duplicates: 0,
            rejected: 0,
          },
        },
      ]);
    });

    it('correlates the run by the object version, and names the S3 event as its cause', async () => {
      const v1 = objects.put('uploads', KEY, file('5.00'));

      await handler(objectCreatedEvent({ id: 'event-1', encodedKey: ENCODED_KEY, versionId: v1 }));

      expect(publisher.published[0]?.detail.metadata).toMatchObject({
        correlationId: uploadIdOf({ bucket: 'uploads', key: KEY, versionId: v1 }),
        causationId: 'event-1',
      });
    });

    it('reports the same summary for a redelivered event of the same version, under another event id', async () => {
      const v1 = objects.put('uploads', KEY, file('5.00', '6.00'));

      const first = await handler(
        objectCreatedEvent({ id: 'a', encodedKey: ENCODED_KEY, versionId: v1 }),
      );
      const again = await handler(
        objectCreatedEvent({ id: 'b', encodedKey: ENCODED_KEY, versionId: v1 }),
      );

      expect(again).toEqual(first);
      expect(first).toMatchObject({ summary: { accepted: 2, duplicates: 0 } });
      expect(publisher.published).toHaveLength(2);
    });

    it('takes a new version of the same key as a new upload: rows seen before are duplicates', async () => {
      const v1 = objects.put('uploads', KEY, file('5.00'));
      const v2 = objects.put('uploads', KEY, file('5.00'));

      await handler(objectCreatedEvent({ encodedKey: ENCODED_KEY, versionId: v1 }));
      const second = await handler(objectCreatedEvent({ encodedKey: ENCODED_KEY, versionId: v2 }));

      expect(second).toMatchObject({ summary: { versionId: v2, accepted: 0, duplicates: 1 } });
      expect(publisher.published).toHaveLength(1);
    });
  });

  describe('an invalid event', () => {
    it.each([
      [
        'without a version id',
        objectCreatedWith((e) => {
          delete (e.detail as { object: Record<string, unknown> }).object['version-id'];
        }),
        '/detail/object/version-id is required',
      ],
      [
        'of another source',
        objectCreatedWith((e) => {
          e.source = 'aws.ec2';
        }),
        '/source',
      ],
      [
        'whose key does not decode',
        objectCreatedEvent({ encodedKey: 'a%zz' }),
        '/detail/object/key',
      ],
      ['that is no event at all', null, '/ must be object'],
    ])(
      'dead-letters an event %s with the reason, and reads and records nothing',
      async (_what, event, reason) => {
        const outcome = await handler(event);

        expect(outcome).toEqual({ kind: 'dead-lettered', reason: expect.stringContaining(reason) });
        expect(deadLetters.sent).toEqual([
          { body: JSON.stringify(event), reason: expect.stringContaining(reason) },
        ]);
        expect(deadLetters.sent[0]?.reason).toMatch(/^contract validation failed: /);
        expect(objects.reads).toEqual([]);
        expect(publisher.published).toEqual([]);
        expect(logged.map((l) => l.message)).toEqual([
          'dead-lettering an invalid "Object Created" event',
        ]);
      },
    );
  });
});
