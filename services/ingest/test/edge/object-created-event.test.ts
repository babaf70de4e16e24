import { describe, expect, it } from 'vitest';
import { readObjectCreated } from '../../src/edge/object-created-event.ts';
import { objectCreatedEvent, objectCreatedWith } from '../support/object-created.ts';

type Detail = Record<string, unknown> & {
  bucket: Record<string, unknown>;
  object: Record<string, unknown>;
};
const detailOf = (event: Record<string, unknown>) => event.detail as Detail;

describe('Function: readObjectCreated', () => {
  it('reads the object version an S3 "Object Created" event names, its key decoded', () => {
    const read = readObjectCreated(
      objectCreatedEvent({ encodedKey: 'incoming/my+file%2B1+%C3%A9.txt', versionId: 'v-1' }),
    );

    expect(read).toEqual({
      ok: true,
      object: {
        eventId: '17793124-05d4-b198-2fde-7ededc63b103',
        bucket: 'uploads',
        key: 'incoming/my file+1 é.txt',
        versionId: 'v-1',
        size: 120,
      },
    });
  });

  it('accepts fields S3 may add that ingest does not read', () => {
    const event = objectCreatedWith((e) => {
      detailOf(e).bucket['aws-generated-tags'] = { 'aws:cloudformation:logical-id': 'Uploads' };
      detailOf(e)['event-version'] = '1.1';
    });

    expect(readObjectCreated(event).ok).toBe(true);
  });

  it.each<[string, unknown, { path: string; message: RegExp }[]]>([
    ['not an object', 'Object Created', [{ path: '', message: /must be object/ }]],
    [
      'an event of another source',
      objectCreatedWith((e) => {
        e.source = 'txnflow.ingest';
      }),
      [{ path: '/source', message: /must be equal to constant \(got "txnflow.ingest"\)/ }],
    ],
    [
      'another detail-type',
      objectCreatedWith((e) => {
        e['detail-type'] = 'Object Deleted';
      }),
      [{ path: '/detail-type', message: /must be equal to constant/ }],
    ],
    [
      'an object without a version id (an unversioned bucket)',
      objectCreatedWith((e) => {
        delete detailOf(e).object['version-id'];
      }),
      [{ path: '/detail/object/version-id', message: /^is required: .*must be versioned$/ }],
    ],
    [
      'a key that is empty, and a bucket without a name',
      objectCreatedWith((e) => {
        detailOf(e).object.key = '';
        delete detailOf(e).bucket.name;
      }),
      [
        { path: '/detail/bucket/name', message: /^is required$/ },
        { path: '/detail/object/key', message: /must NOT have fewer than 1 characters/ },
      ],
    ],
    [
      'a key that does not decode',
      objectCreatedEvent({ encodedKey: 'incoming/100%.txt' }),
      [
        {
          path: '/detail/object/key',
          message: /^"incoming\/100%.txt" is not form-encoded: a "%" is not/,
        },
      ],
    ],
  ])('refuses %s, naming every failing field', (_what, event, issues) => {
    const read = readObjectCreated(event);

    expect(read.ok).toBe(false);
    expect(read.ok ? [] : read.issues).toEqual(
      issues.map((i) => ({ path: i.path, message: expect.stringMatching(i.message) })),
    );
  });
});
