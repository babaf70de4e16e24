import type { StackResourceSummary } from '@aws-sdk/client-cloudformation';
import type { ResultField } from '@aws-sdk/client-cloudwatch-logs';
import type { Message } from '@aws-sdk/client-sqs';
import type { Template } from 'aws-cdk-lib/assertions';

/**
 * A deployed stage as the AWS APIs would describe it, in the shapes their responses have
 * (checked against the API references, not against an account): ListStackResources summaries,
 * Logs Insights result rows, SQS messages. The content comes from the synthesized templates
 * and from the log lines the services really write.
 */

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';

/** The summaries ListStackResources answers for a synthesized stack template. */
function stackResourcesOf(template: Template, stack: string): StackResourceSummary[] {
  const resources = template.toJSON().Resources as Record<string, { Type: string }>;
  return Object.entries(resources).map(([logicalId, resource]) => {
    const name = `${stack}-${logicalId}-AbCdEf123456`.slice(0, 80);
    const physical =
      resource.Type === 'AWS::SQS::Queue'
        ? `https://sqs.${REGION}.amazonaws.com/${ACCOUNT}/${name}`
        : resource.Type === 'AWS::Logs::LogGroup'
          ? name
          : `${logicalId.toLowerCase()}-physical`;
    return {
      LogicalResourceId: logicalId,
      PhysicalResourceId: physical,
      ResourceType: resource.Type,
      ResourceStatus: 'CREATE_COMPLETE',
      LastUpdatedTimestamp: new Date('2026-11-20T08:00:00Z'),
      DriftInformation: { StackResourceDriftStatus: 'NOT_CHECKED' },
    };
  });
}

/** A service's structured log line, as Powertools' Logger writes it to CloudWatch. */
interface ServiceLine {
  readonly at: Date;
  readonly logGroup: string;
  readonly service: string;
  readonly level: string;
  readonly message: string;
  readonly fields: Readonly<Record<string, unknown>>;
}

/** The row Logs Insights returns for a line, for `fields @timestamp, @log, @message`. */
function insightsRowOf(line: ServiceLine, index: number): ResultField[] {
  const record = {
    level: line.level.toUpperCase(),
    message: line.message,
    timestamp: line.at.toISOString(),
    service: line.service,
    cold_start: index === 0,
    function_name: `${line.logGroup}-fn`,
    function_request_id: `req-${index}`,
    xray_trace_id: `1-6743a0b2-${String(index).padStart(24, '0')}`,
    ...line.fields,
  };
  return [
    // Logs Insights' @timestamp: `yyyy-MM-dd HH:mm:ss.SSS`, UTC.
    { field: '@timestamp', value: line.at.toISOString().replace('T', ' ').replace('Z', '') },
    { field: '@log', value: `${ACCOUNT}:${line.logGroup}` },
    { field: '@message', value: JSON.stringify(record) },
    { field: '@ptr', value: `CmAKJwoj${index}` },
  ];
}

type Condition = (record: Readonly<Record<string, unknown>>) => boolean;

/**
 * Evaluates the filters txnflow writes (`a = "x"`, `a in ["x", "y"]`, `and`, `or`,
 * parentheses) against a log record's top-level fields, the way Logs Insights does on
 * discovered JSON fields. Enough to answer the trace's two queries from recorded lines.
 */
function compileFilter(filter: string): Condition {
  const tokens = filter.match(/"[^"]*"|\(|\)|\[|\]|,|=|[A-Za-z@_][\w.@]*/g) ?? [];
  let i = 0;
  const peek = () => tokens[i];
  const next = () => tokens[i++] ?? '';
  const unquote = (token: string) => token.slice(1, -1);
  const primary = (): Condition => {
    if (peek() === '(') {
      next();
      const inner = or();
      next();
      return inner;
    }
    const field = next();
    const op = next();
    if (op === 'in') {
      next();
      const values: string[] = [];
      while (peek() !== ']') {
        const token = next();
        if (token !== ',') values.push(unquote(token));
      }
      next();
      return (r) => values.includes(String(r[field]));
    }
    const value = unquote(next());
    return (r) => r[field] === value;
  };
  const and = (): Condition => {
    let left = primary();
    while (peek() === 'and') {
      next();
      const l = left;
      const right = primary();
      left = (r) => l(r) && right(r);
    }
    return left;
  };
  const or = (): Condition => {
    let left = and();
    while (peek() === 'or') {
      next();
      const l = left;
      const right = and();
      left = (r) => l(r) || right(r);
    }
    return left;
  };
  return or();
}

/** The rows of a query string over recorded lines: its `filter`, applied to each record. */
function answerQuery(queryString: string, lines: readonly ServiceLine[]): ResultField[][] {
  const filter = /\| filter (.*) \| sort/.exec(queryString)?.[1];
  if (!filter) throw new Error(`no filter in ${queryString}`);
  const condition = compileFilter(filter);
  return lines
    .map((line, index) => ({ line, index }))
    .filter(({ line }) => condition({ message: line.message, ...line.fields }))
    .map(({ line, index }) => insightsRowOf(line, index));
}

/** A message as ReceiveMessage returns it from a dead-letter queue. */
function dlqMessageOf(body: string, errorMessage: string, sentAt: Date): Message {
  return {
    MessageId: `0f1c2b3a-${sentAt.getTime().toString(16)}`,
    ReceiptHandle: 'AQEB-receipt-handle',
    MD5OfBody: 'd41d8cd98f00b204e9800998ecf8427e',
    Body: body,
    Attributes: { SentTimestamp: String(sentAt.getTime()) },
    MessageAttributes: {
      ERROR_CODE: { StringValue: 'HANDLER_ERROR', DataType: 'String' },
      ERROR_MESSAGE: { StringValue: errorMessage, DataType: 'String' },
    },
  };
}

export type { ServiceLine };
export { ACCOUNT, answerQuery, compileFilter, dlqMessageOf, REGION, stackResourcesOf };
