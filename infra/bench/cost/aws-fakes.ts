import { randomUUID } from 'node:crypto';
import { createReadStream, statSync } from 'node:fs';
import { Readable } from 'node:stream';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { entrySize } from '@txnflow/contracts';
import { mockClient } from 'aws-sdk-client-mock';

/** EventBridge bills each 64 KB chunk of an entry as one event; SQS and SNS likewise. */
const CHUNK_BYTES = 64 * 1024;
const chunksOf = (bytes: number): number => Math.max(1, Math.ceil(bytes / CHUNK_BYTES));

/** An event as EventBridge delivers it to a target (an SQS body, a Lambda event). */
interface DeliveredEvent {
  readonly source: string;
  readonly detailType: string;
  /** The event JSON as delivered and archived. */
  readonly json: string;
}

/** What the mocked S3, EventBridge, SQS and SNS clients were asked to do. */
interface AwsCallCounts {
  readonly s3: { getObject: number; putObject: number; headObject: number };
  /** Per publishing source (`txnflow.ingest`, `txnflow.ledger`). */
  readonly putEvents: Map<string, { calls: number; entries: number; chunks: number }>;
  /** SendMessage: the handlers' dead letters; SendMessageBatch: ingest's chunk tasks. */
  readonly sqs: { sendMessage: number; sendMessageBatch: number; batchChunks: number };
  readonly sns: { publish: number; chunks: number };
}

/** Turns a PutEvents entry into the event EventBridge would deliver: the bus adds the envelope. */
function deliveredEvent(entry: { Source?: string; DetailType?: string; Detail?: string }) {
  const envelope = {
    version: '0',
    id: randomUUID(),
    'detail-type': entry.DetailType,
    source: entry.Source,
    account: '123456789012',
    time: new Date().toISOString(),
    region: 'us-east-1',
    resources: [],
    detail: JSON.parse(entry.Detail ?? '{}') as unknown,
  };
  return {
    source: String(entry.Source),
    detailType: String(entry.DetailType),
    json: JSON.stringify(envelope),
  };
}

/**
 * The kind of a chunk task a chunk queue body carries (`scan`, `keys`, `record`, ...), as the
 * scripts that drive the queue report it.
 *
 * @example chunkTaskKind(body) === 'record'
 */
function chunkTaskKind(body: string): string {
  return (JSON.parse(body) as { detail: { kind: string } }).detail.kind;
}

/**
 * The uploaded file behind a mocked S3 client (every instance): GetObject of the upload
 * honours `Range` (read from disk), HeadObject answers its size, and the objects ingest
 * writes (its reports and a chunked upload's work objects) are kept in memory and read back.
 * Counts the calls in `counts` when given.
 *
 * @example const s3 = fakeS3('/tmp/t.txt'); ...; s3.restore();
 */
function fakeS3(
  file: string,
  counts?: { getObject: number; putObject: number; headObject: number },
  objects = new Map<string, Buffer>(),
) {
  const s3 = mockClient(S3Client);
  s3.on(HeadObjectCommand).callsFake(() => {
    if (counts) counts.headObject += 1;
    return { ContentLength: statSync(file).size };
  });
  s3.on(GetObjectCommand).callsFake((input: { Key?: string; Range?: string }) => {
    if (counts) counts.getObject += 1;
    const kept = objects.get(input.Key ?? '');
    if (kept) return { Body: Readable.from([kept]) as unknown as GetObjectCommandOutput['Body'] };
    if (!input.Key?.startsWith('incoming/')) throw new Error(`NoSuchKey: ${input.Key}`);
    const range = /^bytes=(\d+)-(\d+)$/.exec(input.Range ?? '');
    // The adapter needs an async iterable body, which a file stream is.
    const stream = range
      ? createReadStream(file, { start: Number(range[1]), end: Number(range[2]) })
      : createReadStream(file);
    return { Body: stream as unknown as GetObjectCommandOutput['Body'] };
  });
  s3.on(PutObjectCommand).callsFake((input: { Key?: string; Body?: string | Uint8Array }) => {
    if (counts) counts.putObject += 1;
    objects.set(input.Key ?? '', Buffer.from(input.Body ?? ''));
    return {};
  });
  return s3;
}

/**
 * Mocks the S3, EventBridge, SQS and SNS clients for every instance (aws-sdk-client-mock),
 * counts what the adapters send, serves `file` as the uploaded object (under `incoming/`),
 * hands every published event to `onEvent`, as the bus would route it, and the bodies ingest
 * sends to its chunk queue to `onTasks`. Returns the counts and a restore.
 *
 * @example const fakes = fakeAwsServices(file, (event) => spool.write(event)); ...; fakes.restore();
 */
function fakeAwsServices(
  file: string,
  onEvent: (event: DeliveredEvent) => void,
  onTasks: (bodies: readonly string[]) => void = () => {},
) {
  const counts: AwsCallCounts = {
    s3: { getObject: 0, putObject: 0, headObject: 0 },
    putEvents: new Map(),
    sqs: { sendMessage: 0, sendMessageBatch: 0, batchChunks: 0 },
    sns: { publish: 0, chunks: 0 },
  };
  /** What ingest wrote to the bucket, by key (its reports, a chunked upload's work objects). */
  const objects = new Map<string, Buffer>();
  const s3 = fakeS3(file, counts.s3, objects);
  const eventBridge = mockClient(EventBridgeClient);
  eventBridge.on(PutEventsCommand).callsFake((input: { Entries?: readonly PutEntry[] }) => {
    const entries = input.Entries ?? [];
    for (const entry of entries) {
      const source = String(entry.Source);
      const bySource = counts.putEvents.get(source) ?? { calls: 0, entries: 0, chunks: 0 };
      bySource.entries += 1;
      bySource.chunks += chunksOf(entrySize(entry as Required<PutEntry>));
      counts.putEvents.set(source, bySource);
      onEvent(deliveredEvent(entry));
    }
    const first = counts.putEvents.get(String(entries[0]?.Source));
    if (first) first.calls += 1;
    return { FailedEntryCount: 0, Entries: entries.map(() => ({ EventId: randomUUID() })) };
  });
  const sqs = mockClient(SQSClient);
  sqs.on(SendMessageCommand).callsFake(() => {
    counts.sqs.sendMessage += 1;
    return { MessageId: randomUUID() };
  });
  sqs.on(SendMessageBatchCommand).callsFake((input: { Entries?: { MessageBody?: string }[] }) => {
    const bodies = (input.Entries ?? []).map((e) => e.MessageBody ?? '');
    counts.sqs.sendMessageBatch += 1;
    counts.sqs.batchChunks += chunksOf(bodies.reduce((n, b) => n + Buffer.byteLength(b), 0));
    onTasks(bodies);
    return { Successful: bodies.map((_, i) => ({ Id: String(i), MessageId: randomUUID() })) };
  });
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).callsFake((input: { Message?: string }) => {
    counts.sns.publish += 1;
    counts.sns.chunks += chunksOf(Buffer.byteLength(input.Message ?? ''));
    return { MessageId: randomUUID() };
  });
  return {
    counts,
    objects,
    restore(): void {
      for (const mock of [s3, eventBridge, sqs, sns]) mock.restore();
    },
  };
}

interface PutEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  readonly Detail?: string;
  readonly EventBusName?: string;
}

export type { AwsCallCounts, DeliveredEvent };
export { CHUNK_BYTES, chunksOf, chunkTaskKind, fakeAwsServices, fakeS3 };
