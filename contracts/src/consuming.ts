import type { DetailByType, DetailType } from './catalogue.ts';
import type { ValidationIssue } from './errors.ts';
import { validateDetail } from './validate.ts';

/** A received EventBridge event whose detail passed its contract. */
interface ReceivedEvent<T extends DetailType> {
  readonly id: string;
  readonly detailType: T;
  readonly detail: DetailByType[T];
  /** Set by EventBridge on events re-sent by an archive replay. */
  readonly replayName?: string | undefined;
}

type ReadResult<T extends DetailType> =
  | { readonly ok: true; readonly event: ReceivedEvent<T> }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** An EventBridge event of the expected detail-type, its detail not yet validated. */
type Envelope =
  | { readonly ok: true; readonly event: Record<string, unknown> }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

/**
 * Checks that a received value is an EventBridge event of the expected detail-type.
 *
 * @example readEnvelope('TransactionRecorded', JSON.parse(record.body))
 */
function readEnvelope(expected: DetailType, raw: unknown): Envelope {
  if (!isRecord(raw)) {
    return { ok: false, issues: [{ path: '', message: 'the event is not a JSON object' }] };
  }
  if (raw['detail-type'] !== expected) {
    const got = JSON.stringify(raw['detail-type']);
    return {
      ok: false,
      issues: [{ path: '/detail-type', message: `expected ${expected}, got ${got}` }],
    };
  }
  return { ok: true, event: raw };
}

/** The received event of a detail that passed its contract, with the envelope's ids. */
function receivedEvent<T extends DetailType>(
  expected: T,
  raw: Record<string, unknown>,
  detail: DetailByType[T],
): ReceivedEvent<T> {
  const replayName = typeof raw['replay-name'] === 'string' ? raw['replay-name'] : undefined;
  return { id: String(raw.id), detailType: expected, detail, replayName };
}

/** Issues of the detail, as paths into the whole event. */
const inDetail = (issues: readonly ValidationIssue[]): ValidationIssue[] =>
  issues.map((i) => ({ ...i, path: `/detail${i.path}` }));

/**
 * Reads an EventBridge event (an object, or the JSON an SQS message body carries) and
 * validates its detail against the expected contract. Consumers dead-letter what fails.
 *
 * @example const read = readEvent('TransactionRecorded', JSON.parse(record.body));
 */
function readEvent<T extends DetailType>(expected: T, raw: unknown): ReadResult<T> {
  const envelope = readEnvelope(expected, raw);
  if (!envelope.ok) return envelope;
  const result = validateDetail(expected, envelope.event.detail);
  if (!result.ok) return { ok: false, issues: inDetail(result.issues) };
  return { ok: true, event: receivedEvent(expected, envelope.event, result.value) };
}

/** The JSON of an SQS record body, or the issue that it is not JSON. */
function parseJson(
  json: string,
): { ok: true; value: unknown } | { ok: false; issues: ValidationIssue[] } {
  try {
    return { ok: true, value: JSON.parse(json) };
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `not JSON: ${(error as Error).message}` }] };
  }
}

/**
 * Parses then reads: for an SQS record body. Bad JSON is an issue, not an exception.
 *
 * @example readEventJson('HighBalanceDetected', record.body)
 */
function readEventJson<T extends DetailType>(expected: T, json: string): ReadResult<T> {
  const parsed = parseJson(json);
  return parsed.ok ? readEvent(expected, parsed.value) : parsed;
}

/**
 * Where a consumer puts an event it cannot process (it fails its contract), with the reason,
 * so that it is neither retried in vain nor dropped. Adapters: an SQS DLQ, a local queue.
 */
interface DeadLetterSink {
  send(body: string, reason: string): Promise<void>;
}

/**
 * One line naming every failing path, for a dead-letter reason or a log.
 *
 * @example describeIssues([{ path: '/detail/data/amount', message: 'is required' }])
 */
function describeIssues(issues: readonly ValidationIssue[]): string {
  return `contract validation failed: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`;
}

export type { DeadLetterSink, ReadResult, ReceivedEvent };
export {
  describeIssues,
  inDetail,
  parseJson,
  readEnvelope,
  readEvent,
  readEventJson,
  receivedEvent,
};
