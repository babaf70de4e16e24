import { randomUUID } from 'node:crypto';
import { CURRENT_VERSION, type DetailByType, type DetailType, findContract } from './catalogue.ts';
import { ContractError } from './errors.ts';
import { assertValidDetail } from './validate.ts';

/** An event ready for the bus: a validated detail and the source that may publish it. */
interface ContractEvent<T extends DetailType = DetailType> {
  readonly source: string;
  readonly detailType: T;
  readonly detail: DetailByType[T];
}

/** The port producers publish through. Adapters: EventBridge (AWS) and the local runtime. */
interface EventPublisher {
  publish(events: readonly ContractEvent[]): Promise<void>;
}

/** One PutEvents request entry, as the EventBridge API spells it. */
interface PutEventsEntry {
  readonly Source: string;
  readonly DetailType: string;
  readonly Detail: string;
  readonly EventBusName?: string;
}

/** The PutEvents response: per entry, an EventId or an ErrorCode. */
interface PutEventsResult {
  readonly FailedEntryCount?: number;
  readonly Entries?: readonly { EventId?: string; ErrorCode?: string; ErrorMessage?: string }[];
}

/** Sends one PutEvents call of at most 10 entries. */
type PutEventsTransport = (entries: readonly PutEventsEntry[]) => Promise<PutEventsResult>;

interface EventPublisherOptions {
  readonly transport: PutEventsTransport;
  readonly eventBusName: string;
  /** Attempts for entries that fail (throttling, internal errors). @default 5 */
  readonly maxAttempts?: number;
  /** First backoff; doubles each attempt, with full jitter. @default 100 */
  readonly baseDelayMs?: number;
  /** PutEvents calls in flight at once for one publish. @default 4 */
  readonly concurrency?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Entries that still failed after the last attempt; nothing is dropped silently. */
class PublishFailedError extends ContractError {
  readonly failures: readonly { entry: PutEventsEntry; errorCode: string; errorMessage: string }[];

  constructor(failures: PublishFailedError['failures']) {
    const first = failures[0];
    super(
      `${failures.length} event(s) could not be published; first: ${first?.entry.DetailType} ${first?.errorCode}: ${first?.errorMessage}`,
    );
    this.name = 'PublishFailedError';
    this.failures = failures;
  }
}

/** An event larger than EventBridge's 256 KB entry limit: a producer bug, never retried. */
class EventTooLargeError extends ContractError {
  constructor(detailType: string, bytes: number) {
    super(`${detailType} entry is ${bytes} bytes, over the 256 KB PutEvents entry limit`);
    this.name = 'EventTooLargeError';
  }
}

const MAX_ENTRIES_PER_CALL = 10;
const MAX_ENTRY_BYTES = 256 * 1024;

/** Entry size as EventBridge counts it: the UTF-8 bytes of source, detail-type and detail. */
function entrySize(entry: PutEventsEntry): number {
  return (
    Buffer.byteLength(entry.Source) +
    Buffer.byteLength(entry.DetailType) +
    Buffer.byteLength(entry.Detail)
  );
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * The PutEvents entries of contract events, each checked against the 256 KB entry limit.
 *
 * @example toPutEventsEntries([event], 'txnflow')[0].DetailType // 'TransactionRecorded'
 * @throws {EventTooLargeError} for an entry over the limit: a producer bug, never retried.
 */
function toPutEventsEntries(
  events: readonly ContractEvent[],
  eventBusName: string,
): PutEventsEntry[] {
  return events.map((event) => {
    const entry = {
      Source: event.source,
      DetailType: event.detailType,
      Detail: JSON.stringify(event.detail),
      EventBusName: eventBusName,
    };
    const bytes = entrySize(entry);
    if (bytes > MAX_ENTRY_BYTES) throw new EventTooLargeError(event.detailType, bytes);
    return entry;
  });
}

/**
 * Publishes in PutEvents calls of 10 entries, a bounded number in flight, and retries only
 * the entries that failed, with exponential backoff. Throws {@link PublishFailedError} when
 * some still fail after the last attempt.
 *
 * @example const publisher = createEventPublisher({ transport, eventBusName: 'txnflow' });
 */
function createEventPublisher(options: EventPublisherOptions): EventPublisher {
  const maxAttempts = options.maxAttempts ?? 5;
  const baseDelayMs = options.baseDelayMs ?? 100;
  const concurrency = options.concurrency ?? 4;
  const sleep = options.sleep ?? defaultSleep;

  async function sendChunk(chunk: PutEventsEntry[]): Promise<PublishFailedError['failures']> {
    let pending = chunk;
    let failures: PublishFailedError['failures'] = [];
    for (let attempt = 1; attempt <= maxAttempts && pending.length > 0; attempt += 1) {
      if (attempt > 1) await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 2));
      const result = await options.transport(pending);
      const results = result.Entries ?? [];
      failures = pending.flatMap((entry, i) => {
        const r = results[i];
        return r?.EventId
          ? []
          : [{ entry, errorCode: r?.ErrorCode ?? 'Unknown', errorMessage: r?.ErrorMessage ?? '' }];
      });
      pending = failures.map((f) => f.entry);
    }
    return failures;
  }

  return {
    async publish(events) {
      const entries = toPutEventsEntries(events, options.eventBusName);
      const chunks: PutEventsEntry[][] = [];
      for (let i = 0; i < entries.length; i += MAX_ENTRIES_PER_CALL) {
        chunks.push(entries.slice(i, i + MAX_ENTRIES_PER_CALL));
      }
      const failures: PublishFailedError['failures'][number][] = [];
      for (let i = 0; i < chunks.length; i += concurrency) {
        const wave = await Promise.all(chunks.slice(i, i + concurrency).map(sendChunk));
        failures.push(...wave.flat());
      }
      if (failures.length > 0) throw new PublishFailedError(failures);
    },
  };
}

/** What a producer knows about why an event exists; ids and times are filled in. */
interface EventCause {
  readonly correlationId: string;
  readonly causationId: string;
  readonly replayName?: string | undefined;
}

/**
 * Builds a contract event of the current version: fills `metadata` (a fresh event id, the
 * schema version, the occurred-at time) and validates it, so an invalid event fails loudly
 * in the producer rather than downstream.
 *
 * @example buildEvent('HighBalanceDetected', data, { correlationId, causationId })
 * @throws {ContractValidationError} when the data does not match the schema.
 */
function buildEvent<T extends DetailType>(
  detailType: T,
  data: DetailByType[T]['data'],
  cause: EventCause,
  now: Date = new Date(),
): ContractEvent<T> {
  const contract = findContract(detailType, CURRENT_VERSION[detailType]);
  if (!contract) throw new ContractError(`no contract for ${detailType}`);
  const metadata = {
    eventId: randomUUID(),
    schemaVersion: contract.version,
    correlationId: cause.correlationId,
    causationId: cause.causationId,
    occurredAt: now.toISOString(),
    ...(cause.replayName ? { replayName: cause.replayName } : {}),
  };
  const detail = assertValidDetail(detailType, { metadata, data });
  return { source: contract.source, detailType, detail };
}

export type {
  ContractEvent,
  EventCause,
  EventPublisher,
  EventPublisherOptions,
  PutEventsEntry,
  PutEventsResult,
  PutEventsTransport,
};
export {
  buildEvent,
  createEventPublisher,
  EventTooLargeError,
  entrySize,
  MAX_ENTRIES_PER_CALL,
  MAX_ENTRY_BYTES,
  PublishFailedError,
  toPutEventsEntries,
};
