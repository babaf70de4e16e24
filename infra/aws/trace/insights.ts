import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  StartQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { TraceError } from '../../trace/errors.ts';
import type { ServiceLogGroup } from './stage-resources.ts';

/** A structured log line of a service, as Logs Insights returns it. */
interface LogLine {
  readonly at: Date;
  readonly service: string;
  /** The Powertools record: `message`, `level`, and the fields the service logged. */
  readonly record: Readonly<Record<string, unknown>>;
}

/** Logs Insights returns at most this many rows per query. */
const MAX_ROWS = 10_000;

/** A Logs Insights query that did not complete. */
class InsightsQueryError extends TraceError {
  readonly status: string;

  constructor(status: string, query: string) {
    super(`the Logs Insights query ended ${status}: ${query}`);
    this.name = 'InsightsQueryError';
    this.status = status;
  }
}

interface InsightsOptions {
  readonly client: CloudWatchLogsClient;
  readonly logGroups: readonly ServiceLogGroup[];
  readonly from: Date;
  readonly to: Date;
  readonly sleep: (ms: number) => Promise<void>;
  /** @default 1000 */
  readonly pollIntervalMs?: number;
  /** Polls before giving up. @default 300 */
  readonly maxPolls?: number;
}

/**
 * A value for a Logs Insights filter, double-quoted; ids carry no quotes or backslashes, and
 * one that does is refused rather than escaped into a different query.
 *
 * @example quoted('C2:T1012') // '"C2:T1012"'
 */
function quoted(value: string): string {
  if (/["\\\n]/.test(value)) throw new TraceError(`an id holds no quotes or backslashes: ${value}`);
  return `"${value}"`;
}

/** `2026-11-24 09:15:03.123` (Logs Insights' @timestamp, UTC) or ISO. */
function parseTimestamp(value: string): Date {
  return new Date(/[zZ]|[+-]\d\d:?\d\d$/.test(value) ? value : `${value.replace(' ', 'T')}Z`);
}

/**
 * Runs one Logs Insights query over the services' log groups and answers the matching lines,
 * oldest first, their JSON parsed; `truncated` when the query hit the 10,000-row limit.
 *
 * @example const { lines } = await queryLogs(options, 'correlationId = "0f3c..."');
 * @throws {InsightsQueryError} when the query fails, is cancelled or times out.
 */
async function queryLogs(
  options: InsightsOptions,
  filter: string,
): Promise<{ lines: LogLine[]; truncated: boolean }> {
  if (options.logGroups.length === 0) return { lines: [], truncated: false };
  const queryString = `fields @timestamp, @log, @message | filter ${filter} | sort @timestamp asc | limit ${MAX_ROWS}`;
  const { queryId } = await options.client.send(
    new StartQueryCommand({
      logGroupNames: options.logGroups.map((g) => g.name),
      startTime: Math.floor(options.from.getTime() / 1000),
      endTime: Math.ceil(options.to.getTime() / 1000),
      queryString,
      limit: MAX_ROWS,
    }),
  );
  for (let poll = 0; poll < (options.maxPolls ?? 300); poll += 1) {
    const result = await options.client.send(new GetQueryResultsCommand({ queryId }));
    const status = result.status ?? 'Unknown';
    if (status === 'Complete') {
      const lines = (result.results ?? []).flatMap((row) => lineOf(row, options.logGroups));
      return { lines, truncated: lines.length >= MAX_ROWS };
    }
    if (status !== 'Scheduled' && status !== 'Running') {
      throw new InsightsQueryError(status, queryString);
    }
    await options.sleep(options.pollIntervalMs ?? 1000);
  }
  throw new InsightsQueryError('still running after the polls allowed', queryString);
}

function lineOf(
  row: readonly { field?: string; value?: string }[],
  logGroups: readonly ServiceLogGroup[],
): LogLine[] {
  const field = (name: string) => row.find((f) => f.field === name)?.value;
  const message = field('@message');
  if (!message) return [];
  let record: Record<string, unknown>;
  try {
    record = JSON.parse(message) as Record<string, unknown>;
  } catch {
    return []; // Lambda's own START/END/REPORT lines are not JSON.
  }
  // `@log` is `<account id>:<log group name>`.
  const group = (field('@log') ?? '').split(':').slice(1).join(':');
  const service =
    logGroups.find((g) => g.name === group)?.service ?? String(record.service ?? 'unknown');
  const at = parseTimestamp(field('@timestamp') ?? String(record.timestamp ?? ''));
  return [{ at, service, record }];
}

export type { InsightsOptions, LogLine };
export { InsightsQueryError, MAX_ROWS, parseTimestamp, queryLogs, quoted };
