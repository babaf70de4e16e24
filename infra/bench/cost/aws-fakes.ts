import { randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
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
  readonly s3: { getObject: number; putObject: number };
  /** Per publishing source (`txnflow.ingest`, `txnflow.ledger`). */
  readonly putEvents: Map<string, { calls: number; entries: number; chunks: number }>;
  readonly sqs: { sendMessage: number };
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
 * Mocks the S3, EventBridge, SQS and SNS clients for every instance (aws-sdk-client-mock),
 * counts what the adapters send, serves `file` as the uploaded object and hands every
 * published event to `onEvent`, as the bus would route it. Returns the counts and a restore.
 *
 * @example const fakes = fakeAwsServices(file, (event) => spool.write(event)); ...; fakes.restore();
 */
function fakeAwsServices(file: string, onEvent: (event: DeliveredEvent) => void) {
  const counts: AwsCallCounts = {
    s3: { getObject: 0, putObject: 0 },
    putEvents: new Map(),
    sqs: { sendMessage: 0 },
    sns: { publish: 0, chunks: 0 },
  };
  const s3 = mockClient(S3Client);
  s3.on(GetObjectCommand).callsFake(() => {
    counts.s3.getObject += 1;
    // The adapter needs an async iterable body, which a file stream is.
    return { Body: createReadStream(file) as unknown as GetObjectCommandOutput['Body'] };
  });
  s3.on(PutObjectCommand).callsFake(() => {
    counts.s3.putObject += 1;
    return {};
  });
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
  const sns = mockClient(SNSClient);
  sns.on(PublishCommand).callsFake((input: { Message?: string }) => {
    counts.sns.publish += 1;
    counts.sns.chunks += chunksOf(Buffer.byteLength(input.Message ?? ''));
    return { MessageId: randomUUID() };
  });
  return {
    counts,
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
export { CHUNK_BYTES, chunksOf, fakeAwsServices };
