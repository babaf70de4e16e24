import { randomUUID } from 'node:crypto';
import { busNameOf } from '../arns.ts';
import { ValidationError } from '../errors.ts';
import { DEFAULT_BUS } from './buses.ts';

/** One PutEvents request entry, as the EventBridge API spells it. */
interface PutEventsRequestEntry {
  readonly Source?: string;
  readonly DetailType?: string;
  /** A JSON object, as text. */
  readonly Detail?: string;
  /** A bus name or ARN. @default 'default' */
  readonly EventBusName?: string;
  readonly Resources?: readonly string[];
  /** The event's time. @default - when the bus received it */
  readonly Time?: Date | string | number;
}

/** A PutEvents entry that failed, with EventBridge's error code. */
interface PutEventsEntryError {
  readonly ErrorCode: string;
  readonly ErrorMessage: string;
}

/** An entry that passed validation: its bus, its stored JSON and the object rules match. */
interface EnvelopedEvent {
  readonly busName: string;
  readonly id: string;
  readonly json: string;
  readonly event: Record<string, unknown>;
}

/** Where the envelope's account and region come from. */
interface EnvelopeContext {
  readonly accountId: string;
  readonly region: string;
  readonly clock: () => Date;
}

const MAX_ENTRIES = 10;
/** PutEvents refuses a request whose entries add up to more than 256 KB. */
const MAX_REQUEST_BYTES = 256 * 1024;
/** The size AWS counts for a given Time, whatever its format. */
const TIME_BYTES = 14;

/**
 * Checks the request as a whole as PutEvents does: 1 to 10 entries whose sizes (computed as
 * the EventBridge guide says: UTF-8 bytes of Source, DetailType, Detail and each resource,
 * 14 bytes for a Time) add up to at most 256 KB.
 *
 * @example assertRequest([{ Source: 'shop', DetailType: 'Ordered', Detail: '{}' }])
 * @throws {ValidationError} as AWS's `ValidationException` would.
 */
function assertRequest(entries: readonly PutEventsRequestEntry[]): void {
  if (!Array.isArray(entries) || entries.length < 1) {
    throw new ValidationError(
      "1 validation error detected: Value '[]' at 'entries' failed to satisfy constraint: Member must have length greater than or equal to 1",
    );
  }
  if (entries.length > MAX_ENTRIES) {
    throw new ValidationError(
      `1 validation error detected: Value of ${entries.length} entries at 'entries' failed to satisfy constraint: Member must have length less than or equal to ${MAX_ENTRIES}`,
    );
  }
  let total = 0;
  for (const entry of entries) total += entrySize(entry);
  if (total > MAX_REQUEST_BYTES) {
    throw new ValidationError('Total size of the entries in the request is over the limit.');
  }
}

/**
 * The size of one entry as the EventBridge guide computes it.
 *
 * @example entrySize({ Source: 'a', DetailType: 'b', Detail: '{}' }) // 4
 */
function entrySize(entry: PutEventsRequestEntry): number {
  let size = entry?.Time !== undefined ? TIME_BYTES : 0;
  for (const text of [entry?.Source, entry?.DetailType, entry?.Detail]) {
    if (typeof text === 'string') size += Buffer.byteLength(text);
  }
  if (Array.isArray(entry?.Resources)) {
    for (const resource of entry.Resources) {
      if (typeof resource === 'string') size += Buffer.byteLength(resource);
    }
  }
  return size;
}

function invalidArgument(parameter: string, reason: string): PutEventsEntryError {
  return {
    ErrorCode: 'InvalidArgument',
    ErrorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
  };
}

function required(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0;
}

function eventTime(time: PutEventsRequestEntry['Time'], now: Date): Date | undefined {
  if (time === undefined) return now;
  const date = time instanceof Date ? time : new Date(time);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

const lastFormatted = { second: Number.NaN, text: '' };

/** Sources, detail types, accounts and regions repeat on every event: each is quoted once. */
const quotedTexts = new Map<string, string>();

function quoted(text: string): string {
  let json = quotedTexts.get(text);
  if (json === undefined) {
    json = JSON.stringify(text);
    if (quotedTexts.size < 1024) quotedTexts.set(text, json);
  }
  return json;
}

/** EventBridge writes event times to the second: `2024-03-01T12:00:00Z`. */
function formatEventTime(date: Date): string {
  // Thousands of events share a second: format it once.
  const second = Math.floor(date.getTime() / 1000);
  if (second !== lastFormatted.second) {
    lastFormatted.second = second;
    lastFormatted.text = `${date.toISOString().slice(0, 19)}Z`;
  }
  return lastFormatted.text;
}

/**
 * Validates one entry as PutEvents does and wraps it in the EventBridge envelope
 * (`version`, `id`, `detail-type`, `source`, `account`, `time`, `region`, `resources`,
 * `detail`). The JSON is written once, with the caller's Detail text spliced in, not re-encoded.
 *
 * @example envelope({ Source: 'shop', DetailType: 'Ordered', Detail: '{"id":1}' }, ctx)
 */
function envelope(
  entry: PutEventsRequestEntry,
  ctx: EnvelopeContext,
  now: Date = ctx.clock(),
): EnvelopedEvent | PutEventsEntryError {
  if (typeof entry !== 'object' || entry === null) {
    return invalidArgument('Entry', 'An entry must be an object.');
  }
  const { Source: source, DetailType: detailType, Detail: detailText } = entry;
  if (!required(source)) return invalidArgument('Source', 'Source is a required argument.');
  if (!required(detailType)) {
    return invalidArgument('DetailType', 'DetailType is a required argument.');
  }
  if (!required(detailText)) return invalidArgument('Detail', 'Detail is a required argument.');
  let detail: unknown;
  try {
    detail = JSON.parse(detailText);
  } catch {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
    return { ErrorCode: 'MalformedDetail', ErrorMessage: 'Detail is malformed.' };
  }
  const time = eventTime(entry.Time, now);
  if (!time) return invalidArgument('Time', 'Time is not a valid timestamp.');
  const resources = entry.Resources ?? [];
  if (!Array.isArray(resources) || resources.some((r) => typeof r !== 'string')) {
    return invalidArgument('Resources', 'Resources must be a list of strings.');
  }
  const id = randomUUID();
  const timeText = formatEventTime(time);
  const json =
    `{"version":"0","id":"${id}","detail-type":${quoted(detailType)},` +
    `"source":${quoted(source)},"account":${quoted(ctx.accountId)},` +
    `"time":"${timeText}","region":${quoted(ctx.region)},` +
    `"resources":${resources.length === 0 ? '[]' : JSON.stringify(resources)},"detail":${detailText}}`;
  const event = {
    version: '0',
    id,
    'detail-type': detailType,
    source,
    account: ctx.accountId,
    time: timeText,
    region: ctx.region,
    resources,
    detail,
  };
  return { busName: busNameOf(entry.EventBusName ?? DEFAULT_BUS), id, json, event };
}

export type { EnvelopeContext, EnvelopedEvent, PutEventsEntryError, PutEventsRequestEntry };
export { assertRequest, entrySize, envelope };
