import type { EventBridgeEvent } from 'aws-lambda';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteIngestStore } from '../../src/adapters/local/sqlite-ingest-store.ts';
import {
  makeObjectCreatedHandler,
  type ObjectCreatedDetail,
} from '../../src/handlers/object-created.ts';
import { MemoryObjectStore, RecordingPublisher, transactionsFile } from '../support/fakes.ts';

/** The "Object Created" event S3 sends to EventBridge, trimmed to realistic fields. */
function objectCreated(
  bucket: string,
  key: string,
): EventBridgeEvent<'Object Created', ObjectCreatedDetail> {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '111122223333',
    time: '2026-11-20T09:15:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: { bucket: { name: bucket }, object: { key, size: 120 } },
  };
}

describe('Handler: objectCreated', () => {
  it('ingests the created object, using the S3 event id as the correlation id', async () => {
    const objects = new MemoryObjectStore();
    objects.put(
      'uploads',
      'incoming/a.txt',
      transactionsFile([['C1', 'Addr', 'T1', '2023-03-01', '5.00']]),
    );
    const publisher = new RecordingPublisher();
    const logged: Record<string, unknown>[] = [];
    const handler = makeObjectCreatedHandler({
      objects,
      store: new SqliteIngestStore(new Database(':memory:')),
      publisher,
      log: { info: (_m, extra) => void logged.push(extra ?? {}) },
    });

    const summary = await handler(objectCreated('uploads', 'incoming/a.txt'));

    expect(summary).toMatchObject({ file: 'incoming/a.txt', accepted: 1, rejected: [] });
    expect(publisher.published[0]?.detail.metadata).toMatchObject({
      correlationId: '17793124-05d4-b198-2fde-7ededc63b103',
      causationId: '17793124-05d4-b198-2fde-7ededc63b103',
    });
    expect(logged).toEqual([
      {
        eventId: '17793124-05d4-b198-2fde-7ededc63b103',
        correlationId: '17793124-05d4-b198-2fde-7ededc63b103',
        causationId: '17793124-05d4-b198-2fde-7ededc63b103',
        bucket: 'uploads',
        file: 'incoming/a.txt',
        accepted: 1,
        duplicates: 0,
        rejected: 0,
      },
    ]);
  });
});
