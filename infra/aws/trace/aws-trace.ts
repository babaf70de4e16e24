import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { CloudWatchLogsClient } from '@aws-sdk/client-cloudwatch-logs';
import {
  DescribeArchiveCommand,
  EventBridgeClient,
  ListReplaysCommand,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { SQSClient } from '@aws-sdk/client-sqs';
import { alertingManifest } from '@txnflow/alerting';
import type { ServiceManifest } from '@txnflow/contracts';
import { ingestManifest } from '@txnflow/ingest';
import { ledgerManifest } from '@txnflow/ledger';
import { archiveName, STAGE_PATTERN } from '../../cdk/names.ts';
import { TraceError, UnknownTraceIdError } from '../../trace/errors.ts';
import type { Trace, TracedKind } from '../../trace/model.ts';
import { AwsTreeBuilder, idsOfLetter, type RuleNames, type StageReplay } from './aws-tree.ts';
import { type DeadLetter, peekDeadLetters } from './dead-letters.ts';
import { type InsightsOptions, type LogLine, queryLogs, quoted } from './insights.ts';
import { discoverStage } from './stage-resources.ts';

/** The AWS SDK clients a trace uses; tests pass mocked ones. */
interface AwsTraceClients {
  readonly logs: CloudWatchLogsClient;
  readonly sqs: SQSClient;
  readonly eventBridge: EventBridgeClient;
  readonly cloudFormation: CloudFormationClient;
}

interface AwsTraceOptions {
  readonly stage: string;
  readonly id: string;
  /** @default - clients from the usual AWS SDK configuration (env, profile, SSO) */
  readonly clients?: AwsTraceClients;
  /** How far back the logs are searched. @default 30 (the functions' log retention) */
  readonly days?: number;
  readonly now?: () => Date;
  readonly sleep?: (ms: number) => Promise<void>;
}

const MANIFESTS: readonly ServiceManifest[] = [ingestManifest, ledgerManifest, alertingManifest];

/** The rules the manifests route each event through, by what they do. */
function ruleNamesOf(): RuleNames {
  const subscription = (manifest: ServiceManifest, kind: string) =>
    manifest.subscriptions.find((s) => s.target.kind === kind);
  const ledger = subscription(ledgerManifest, 'queue-consumer');
  return {
    ingest: subscription(ingestManifest, 'function')?.rule ?? '',
    ledger: ledger?.rule ?? '',
    ledgerQueue: ledger?.target.kind === 'queue-consumer' ? ledger.target.queue : '',
    alerting: subscription(alertingManifest, 'function')?.rule ?? '',
    alertingRules: alertingManifest.subscriptions.map((s) => s.rule),
  };
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function defaultClients(): AwsTraceClients {
  return {
    logs: new CloudWatchLogsClient({}),
    sqs: new SQSClient({}),
    eventBridge: new EventBridgeClient({}),
    cloudFormation: new CloudFormationClient({}),
  };
}

/** The filter that finds the lines naming the id, whatever kind it is. */
function firstFilter(id: string): string {
  const q = quoted(id);
  const byId = `eventId = ${q} or envelopeId = ${q} or correlationId = ${q} or file = ${q} or alertId = ${q}`;
  const slash = id.lastIndexOf('/');
  if (slash <= 0) return byId;
  const [customer, transaction] = [id.slice(0, slash), id.slice(slash + 1)];
  return `${byId} or (customerId = ${quoted(customer)} and transactionId = ${quoted(transaction)})`;
}

/** What the id is, by the lines that name it; the same order as locally. */
function classify(
  id: string,
  lines: readonly LogLine[],
): { kind: TracedKind; focus: LogLine[] } | undefined {
  const pick = (kind: TracedKind, test: (r: Readonly<Record<string, unknown>>) => boolean) => {
    const focus = lines.filter((l) => test(l.record));
    return focus.length > 0 ? { kind, focus } : undefined;
  };
  return (
    pick('event', (r) => r.eventId === id || r.envelopeId === id) ??
    pick('upload', (r) => r.file === id) ??
    pick(
      'transaction',
      (r) => `${r.customerId}/${r.transactionId}` === id && r.transactionId !== undefined,
    ) ??
    pick('alert', (r) => r.alertId === id) ??
    pick('correlation', (r) => r.correlationId === id)
  );
}

/** The lines of the focus's run: its ingest line, and everything about the focus's events. */
function secondFilter(kind: TracedKind, focus: readonly LogLine[]): string {
  const runs = [
    ...new Set(
      focus.flatMap((l) =>
        typeof l.record.correlationId === 'string' ? [l.record.correlationId] : [],
      ),
    ),
  ];
  const inList = (values: readonly string[]) => `[${values.map(quoted).join(', ')}]`;
  if (kind === 'upload' || kind === 'correlation') return `correlationId in ${inList(runs)}`;
  const ids = [
    ...new Set(
      focus.flatMap((l) =>
        [l.record.eventId, l.record.causationId].filter((v): v is string => typeof v === 'string'),
      ),
    ),
  ];
  return `(correlationId in ${inList(runs)} and message = "ingested file") or eventId in ${inList(ids)} or causationId in ${inList(ids)}`;
}

async function replaysOf(client: EventBridgeClient, stage: string): Promise<StageReplay[]> {
  let archiveArn: string | undefined;
  try {
    archiveArn = (
      await client.send(new DescribeArchiveCommand({ ArchiveName: archiveName(stage) }))
    ).ArchiveArn;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return [];
    throw error;
  }
  const replays: StageReplay[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListReplaysCommand({
        EventSourceArn: archiveArn,
        ...(nextToken ? { NextToken: nextToken } : {}),
      }),
    );
    for (const r of page.Replays ?? []) {
      replays.push({
        name: r.ReplayName ?? '',
        ...(r.State ? { state: r.State } : {}),
        ...(r.EventStartTime ? { from: r.EventStartTime } : {}),
        ...(r.EventEndTime ? { to: r.EventEndTime } : {}),
        ...(r.ReplayStartTime ? { startedAt: r.ReplayStartTime } : {}),
      });
    }
    nextToken = page.NextToken;
  } while (nextToken);
  return replays;
}

/** The ids the trace's lines name: a dead letter naming one of them belongs to the trace. */
function idsOfLines(lines: readonly LogLine[]): Set<string> {
  const ids = new Set<string>();
  for (const { record: r } of lines) {
    for (const key of ['eventId', 'envelopeId', 'correlationId', 'file', 'alertId'] as const) {
      if (typeof r[key] === 'string') ids.add(r[key] as string);
    }
    if (r.customerId && r.transactionId) ids.add(`${r.customerId}/${r.transactionId}`);
  }
  return ids;
}

/**
 * `txnflow trace ID --aws --stage S`: the same tree as locally, from the deployed stage.
 *
 * Steps: find the services' log groups and dead-letter queues in their stacks
 * (ListStackResources); one Logs Insights query for the lines naming the id (the services
 * log every event, correlation and causation id); a second for the rest of its run and what
 * it caused; a look at the dead-letter queues (ReceiveMessage with visibility 0, nothing
 * taken); the archive's replays (DescribeArchive, ListReplays). Needs
 * `cloudformation:ListStackResources`, `logs:StartQuery`, `logs:GetQueryResults`,
 * `sqs:ReceiveMessage`, `events:DescribeArchive`, `events:ListReplays`.
 *
 * @example const trace = await traceOnStage({ stage: 'dev', id: 'C2/T1008' });
 * @throws {UnknownTraceIdError} when no log line or dead letter names the id.
 * @throws {StageNotDeployedError} when a service's stack is not there.
 */
async function traceOnStage(options: AwsTraceOptions): Promise<Trace> {
  const { stage, id } = options;
  if (!STAGE_PATTERN.test(stage))
    throw new TraceError(`"${stage}" is not a stage name (lower-case letters, digits, -)`);
  const clients = options.clients ?? defaultClients();
  const now = options.now?.() ?? new Date();
  const days = options.days ?? 30;
  const resources = await discoverStage(clients.cloudFormation, stage, MANIFESTS);
  const insights: InsightsOptions = {
    client: clients.logs,
    logGroups: resources.logGroups,
    from: new Date(now.getTime() - days * 86_400_000),
    to: now,
    sleep: options.sleep ?? defaultSleep,
  };
  const first = await queryLogs(insights, firstFilter(id));
  const dead = await peekDeadLetters(clients.sqs, resources.deadLetterQueues);
  const found = classify(id, first.lines);
  const lettersOfId = dead.letters.filter((letter) => idsOfLetter(letter).has(id));
  if (!found && lettersOfId.length === 0) {
    throw new UnknownTraceIdError(
      id,
      `the logs of stage ${stage} (the last ${days} days) or its dead-letter queues`,
      [],
    );
  }
  const second = found
    ? await queryLogs(insights, secondFilter(found.kind, found.focus))
    : { lines: [], truncated: false };
  const lines = second.lines.length > 0 ? second.lines : (found?.focus ?? []);
  const ids = idsOfLines(lines);
  ids.add(id);
  const letters: DeadLetter[] = dead.letters.filter((letter) =>
    [...idsOfLetter(letter)].some((i) => ids.has(i)),
  );
  const builder = new AwsTreeBuilder(
    lines,
    letters,
    await replaysOf(clients.eventBridge, stage),
    ruleNamesOf(),
  );
  const roots = builder.roots();
  return {
    id,
    kind: found?.kind ?? 'event',
    from: 'aws',
    roots,
    failures: builder.failures,
    notes: notesOf(first.truncated || second.truncated, dead.partial),
  };
}

function notesOf(truncated: boolean, partial: readonly string[]): string[] {
  return [
    "on AWS the steps come from the services' logs: EventBridge logs neither the rules an event matched nor its deliveries to queues, so the CustomerNotify and CreditCollection messages are not shown (reading those queues would hide messages from their consumers)",
    ...(truncated
      ? [
          'a Logs Insights query hit its 10,000-row limit: the tree is incomplete; trace a transaction or an alert instead of a whole upload',
        ]
      : []),
    ...partial.map(
      (q) =>
        `${q} holds more messages than a look takes (100): some of its dead letters may be missing`,
    ),
  ];
}

export type { AwsTraceClients, AwsTraceOptions };
export { traceOnStage };
