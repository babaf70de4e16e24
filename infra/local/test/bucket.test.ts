import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidRangeError,
  ManualClock,
  NoSuchKeyError,
  NoSuchVersionError,
  ResourceNotFoundError,
} from '../index.ts';
import { IDLE, RuntimeHarness } from './support/harness.ts';

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** The `detail.object` of a received "Object Created" event. */
function objectOf(event: Record<string, unknown> | undefined): Record<string, unknown> {
  if (!event) throw new Error('no "Object Created" event was received');
  return (event.detail as { object: Record<string, unknown> }).object;
}

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;
  const events: Record<string, unknown>[] = [];

  beforeEach(async () => {
    h = await RuntimeHarness.create({ clock: new ManualClock('2024-03-01T12:00:00.000Z') });
    events.length = 0;
    h.rt.createBucket({ name: 'uploads' });
    h.rt.registerHandler('on-upload', async (event) => {
      events.push(event as Record<string, unknown>);
    });
    h.rt.putRule({
      name: 'Uploads',
      eventPattern: { source: ['aws.s3'], 'detail-type': ['Object Created'] },
    });
    h.rt.putTargets({
      rule: 'Uploads',
      targets: [{ id: 'T', target: { kind: 'handler', name: 'on-upload' } }],
    });
  });

  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: putObject', () => {
    it('emits the "Object Created" event S3 sends to EventBridge, on the default bus', async () => {
      // Act
      const { etag } = await h.rt.putObject({
        bucket: 'uploads',
        key: 'incoming/a b.txt',
        body: 'hello',
      });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(etag).toBe('5d41402abc4b2a76b9719d911017c592');
      expect(events).toEqual([
        {
          version: '0',
          id: expect.any(String),
          'detail-type': 'Object Created',
          source: 'aws.s3',
          account: '000000000000',
          time: '2024-03-01T12:00:00Z',
          region: 'local-1',
          resources: ['arn:aws:s3:::uploads'],
          detail: {
            version: '0',
            'event-version': '1.0',
            bucket: { name: 'uploads' },
            object: {
              key: 'incoming/a+b.txt',
              size: 5,
              etag,
              sequencer: expect.stringMatching(/^[0-9A-F]{18}$/),
            },
            'request-id': expect.stringMatching(/^[0-9A-F]{16}$/),
            requester: '000000000000',
            'source-ip-address': '127.0.0.1',
            reason: 'PutObject',
          },
        },
      ]);
    });

    it('names no version in the event or the answer while the bucket is not versioned', async () => {
      // Act
      const answer = await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'one' });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(answer.versionId).toBeUndefined();
      expect(objectOf(events[0])).not.toHaveProperty('version-id');
    });

    it('gives each put a higher sequencer', async () => {
      // Act
      await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'one' });
      await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'two' });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const sequencers = events.map(
        (e) => (e.detail as { object: { sequencer: string } }).object.sequencer,
      );
      expect(sequencers).toHaveLength(2);
      expect(sequencers[1]! > sequencers[0]!).toBe(true);
    });

    it('streams a large file to disk and back without changing a byte', async () => {
      // Prepare: 24 MiB of varied bytes.
      const source = join(h.stateDir, 'big.bin');
      const block = Buffer.alloc(1024 * 1024);
      for (let i = 0; i < block.length; i += 1) block[i] = (i * 31) % 251;
      await writeFile(source, Buffer.concat(Array.from({ length: 24 }, () => block)));
      const expected = createHash('md5')
        .update(await readAll(createReadStream(source)))
        .digest('hex');

      // Act
      const { etag } = await h.rt.putObject({
        bucket: 'uploads',
        key: 'big.bin',
        body: createReadStream(source),
      });
      const back = createHash('md5');
      let size = 0;
      for await (const chunk of h.rt.getObject({ bucket: 'uploads', key: 'big.bin' })) {
        back.update(chunk as Buffer);
        size += (chunk as Buffer).length;
      }

      // Assess
      expect(etag).toBe(expected);
      expect(back.digest('hex')).toBe(expected);
      expect(size).toBe((await stat(source)).size);
    });

    it('accepts bytes and async iterables as bodies', async () => {
      // Act
      await h.rt.putObject({ bucket: 'uploads', key: 'bytes', body: Buffer.from('abc') });
      await h.rt.putObject({
        bucket: 'uploads',
        key: 'iter',
        body: Readable.from([Buffer.from('de'), Buffer.from('f')]),
      });

      // Assess
      expect((await readAll(h.rt.getObject({ bucket: 'uploads', key: 'bytes' }))).toString()).toBe(
        'abc',
      );
      expect((await readAll(h.rt.getObject({ bucket: 'uploads', key: 'iter' }))).toString()).toBe(
        'def',
      );
    });

    it('refuses a bucket that does not exist', async () => {
      await expect(h.rt.putObject({ bucket: 'nope', key: 'k', body: 'x' })).rejects.toThrow(
        ResourceNotFoundError,
      );
    });
  });

  describe('Versioning', () => {
    beforeEach(() => {
      h.rt.createBucket({ name: 'versioned', versioned: true });
    });

    it('answers each put with a new version id, the one its "Object Created" names', async () => {
      // Act
      const first = await h.rt.putObject({ bucket: 'versioned', key: 'k', body: 'one' });
      const second = await h.rt.putObject({ bucket: 'versioned', key: 'k', body: 'two' });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(first.versionId).toMatch(/^[A-Za-z0-9._]{32}$/);
      expect(second.versionId).toMatch(/^[A-Za-z0-9._]{32}$/);
      expect(second.versionId).not.toBe(first.versionId);
      expect(events.map((e) => objectOf(e)['version-id'])).toEqual([
        first.versionId,
        second.versionId,
      ]);
    });

    it('keeps an overwritten version readable by its version id, and reads the current one without', async () => {
      // Prepare
      const first = await h.rt.putObject({ bucket: 'versioned', key: 'k', body: 'first' });
      const second = await h.rt.putObject({ bucket: 'versioned', key: 'k', body: 'second' });

      // Act
      const read = (versionId?: string) =>
        readAll(h.rt.getObject({ bucket: 'versioned', key: 'k', versionId }));

      // Assess
      expect((await read(first.versionId)).toString()).toBe('first');
      expect((await read(second.versionId)).toString()).toBe('second');
      expect((await read()).toString()).toBe('second');
    });

    it('keeps every version across a restart', async () => {
      // Prepare
      const first = await h.rt.putObject({ bucket: 'versioned', key: 'k', body: 'first' });
      await h.rt.putObject({ bucket: 'versioned', key: 'k', body: 'second' });

      // Act
      const rt = h.reopen();

      // Assess
      const body = await readAll(
        rt.getObject({ bucket: 'versioned', key: 'k', versionId: first.versionId }),
      );
      expect(body.toString()).toBe('first');
    });

    it('keeps an object put before versioning was on as version "null"', async () => {
      // Prepare
      await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'before' });
      h.rt.createBucket({ name: 'uploads', versioned: true });

      // Act
      const after = await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'after' });

      // Assess
      const read = (versionId?: string) =>
        readAll(h.rt.getObject({ bucket: 'uploads', key: 'k', versionId }));
      expect(after.versionId).toMatch(/^[A-Za-z0-9._]{32}$/);
      expect((await read('null')).toString()).toBe('before');
      expect((await read()).toString()).toBe('after');
    });

    it('throws NoSuchVersion for a version id the key does not have', async () => {
      // Prepare
      await h.rt.putObject({ bucket: 'versioned', key: 'k', body: 'one' });

      // Act
      const act = () => h.rt.getObject({ bucket: 'versioned', key: 'k', versionId: 'nope' });

      // Assess
      expect(act).toThrow(NoSuchVersionError);
      expect(act).toThrow(/versioned\/k\?versionId=nope/);
    });
  });

  describe('Method: objectPath', () => {
    it('names the file under the state folder that holds each version of an object', async () => {
      // Prepare
      h.rt.createBucket({ name: 'versioned', versioned: true });
      const first = await h.rt.putObject({ bucket: 'versioned', key: 'k', body: 'first' });
      await h.rt.putObject({ bucket: 'versioned', key: 'k', body: 'second' });

      // Act
      const firstPath = h.rt.objectPath({
        bucket: 'versioned',
        key: 'k',
        versionId: first.versionId,
      });
      const currentPath = h.rt.objectPath({ bucket: 'versioned', key: 'k' });

      // Assess
      expect(firstPath.startsWith(join(h.stateDir, 'objects'))).toBe(true);
      expect(await readFile(firstPath, 'utf8')).toBe('first');
      expect(await readFile(currentPath, 'utf8')).toBe('second');
      expect(() => h.rt.objectPath({ bucket: 'versioned', key: 'missing' })).toThrow(
        NoSuchKeyError,
      );
    });
  });

  describe('Event key encoding', () => {
    it.each([
      ['incoming/plain-name_1.txt', 'incoming/plain-name_1.txt'],
      ['incoming/my file.txt', 'incoming/my+file.txt'],
      ['incoming/a+b.txt', 'incoming/a%2Bb.txt'],
      ['incoming/100%.txt', 'incoming/100%25.txt'],
      ['incoming/é.txt', 'incoming/%C3%A9.txt'],
      ['incoming/💶.txt', 'incoming/%F0%9F%92%B6.txt'],
      ['incoming/a=b&c@d,e;f.txt', 'incoming/a%3Db%26c%40d%2Ce%3Bf.txt'],
      ['incoming/t 12:30.txt', 'incoming/t+12:30.txt'],
      ['incoming/(1) ~x*.txt', 'incoming/%281%29+%7Ex*.txt'],
    ])('writes the key %j as %j in "Object Created"', async (key, encoded) => {
      // Act
      await h.rt.putObject({ bucket: 'uploads', key, body: 'x' });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(objectOf(events[0]).key).toBe(encoded);
      expect(h.rt.listObjects({ bucket: 'uploads' }).map((o) => o.key)).toEqual([key]);
    });
  });

  describe('Method: getObject', () => {
    it('keeps reading what it opened when the key is overwritten meanwhile', async () => {
      // Prepare
      await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'first' });
      const stream = h.rt.getObject({ bucket: 'uploads', key: 'k' });

      // Act
      await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'second' });

      // Assess
      expect((await readAll(stream)).toString()).toBe('first');
      expect((await readAll(h.rt.getObject({ bucket: 'uploads', key: 'k' }))).toString()).toBe(
        'second',
      );
    });

    it('throws NoSuchKey for a missing key', () => {
      expect(() => h.rt.getObject({ bucket: 'uploads', key: 'missing' })).toThrow(NoSuchKeyError);
    });

    it('reads only the bytes of a Range, as S3 does: inclusive, cut at the end, or to the end', async () => {
      // Prepare
      h.rt.createBucket({ name: 'uploads', versioned: true });
      const { versionId } = await h.rt.putObject({
        bucket: 'uploads',
        key: 'k',
        body: '0123456789',
      });
      await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'overwritten' });
      const read = async (range: string) =>
        (
          await readAll(h.rt.getObject({ bucket: 'uploads', key: 'k', versionId, range }))
        ).toString();

      // Act and assess
      expect(await read('bytes=2-4')).toBe('234');
      expect(await read('bytes=7-99')).toBe('789');
      expect(await read('bytes=5-')).toBe('56789');
      expect(() =>
        h.rt.getObject({ bucket: 'uploads', key: 'k', versionId, range: 'bytes=10-' }),
      ).toThrow(InvalidRangeError);
      expect(() => h.rt.getObject({ bucket: 'uploads', key: 'k', range: 'bytes=4-2' })).toThrow(
        'is not bytes=FIRST-LAST',
      );
    });
  });

  describe('Method: headObject', () => {
    it('answers the size and ETag of the version named, without reading it', async () => {
      // Prepare
      h.rt.createBucket({ name: 'uploads', versioned: true });
      const first = await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'hello' });
      await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'hello, world' });

      // Act
      const head = h.rt.headObject({ bucket: 'uploads', key: 'k', versionId: first.versionId });

      // Assess
      expect(head).toMatchObject({ size: 5, etag: first.etag, versionId: first.versionId });
      expect(h.rt.headObject({ bucket: 'uploads', key: 'k' }).size).toBe(12);
      expect(() => h.rt.headObject({ bucket: 'uploads', key: 'nope' })).toThrow(NoSuchKeyError);
    });
  });

  describe('Method: listObjects', () => {
    it('lists keys in order, under a prefix', async () => {
      // Prepare
      for (const key of ['in/b', 'in/a', 'out/c', 'inx']) {
        await h.rt.putObject({ bucket: 'uploads', key, body: key });
      }

      // Act
      const listed = h.rt.listObjects({ bucket: 'uploads', prefix: 'in/' });

      // Assess
      expect(listed).toEqual([
        {
          key: 'in/a',
          size: 4,
          etag: expect.any(String),
          lastModified: new Date('2024-03-01T12:00:00.000Z'),
        },
        {
          key: 'in/b',
          size: 4,
          etag: expect.any(String),
          lastModified: new Date('2024-03-01T12:00:00.000Z'),
        },
      ]);
      expect(h.rt.listObjects({ bucket: 'uploads' }).map((o) => o.key)).toEqual([
        'in/a',
        'in/b',
        'inx',
        'out/c',
      ]);
    });
  });
});
