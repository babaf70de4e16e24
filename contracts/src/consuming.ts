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

/**
 * Reads an EventBridge event (an object, or the JSON an SQS message body carries) and
 * validates its detail against the expected contract. Consumers dead-letter what fails.
 *
 * @example const read = readEvent('TransactionRecorded', JSON.parse(record.body));
 */
function readEvent<T extends DetailType>(expected: T, raw: unknown): ReadResult<T> {
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
  const result = validateDetail(expected, raw.detail);
  if (!result.ok) {
    return { ok: false, issues: result.issues.map((i) => ({ ...i, path: `/detail${i.path}` })) };
  }
  const replayName = typeof raw['replay-name'] === 'string' ? raw['replay-name'] : undefined;
  return {
    ok: true,
    event: { id: String(raw.id), detailType: expected, detail: result.value, replayName },
  };
}

/**
 * Parses then reads: for an SQS record body. Bad JSON is an issue, not an exception.
 *
 * @example readEventJson('HighBalanceDetected', record.body)
 */
function readEventJson<T extends DetailType>(expected: T, json: string): ReadResult<T> {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    return { ok: false, issues: [{ path: '', message: `not JSON: ${(error as Error).message}` }] };
  }
  return readEvent(expected, raw);
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
export { describeIssues, readEvent, readEventJson };
