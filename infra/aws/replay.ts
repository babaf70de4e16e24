import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  type EventBridgeClient,
  LimitExceededException,
  ListRulesCommand,
  type ReplayState,
  ResourceNotFoundException,
  type Rule,
  StartReplayCommand,
  type StartReplayCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { archiveName, busName, manifestRuleOf } from '../cdk/names.ts';

/** Where a replay stands, after each poll. */
interface ReplayProgress {
  readonly replayName: string;
  readonly state: ReplayState | string;
  /** The time of the last event replayed so far, when EventBridge reports one. */
  readonly replayedUpTo: Date | undefined;
  /** How much of the window is replayed, 0 to 1 (1 once COMPLETED). */
  readonly fraction: number;
}

interface AwsReplayOptions {
  /** The deployed stage: the archive `txnflow-<stage>-archive` and the bus `txnflow-<stage>`. */
  readonly stage: string;
  readonly from: Date;
  readonly to: Date;
  /**
   * Rules to replay to: manifest names (`TransactionRecordedToLedger`) or physical rule names.
   * @default - every rule on the bus
   */
  readonly rules?: readonly string[];
  readonly client: EventBridgeClient;
  readonly onProgress?: (progress: ReplayProgress) => void;
  /** Told what the operator should know before the replay runs, e.g. a window too recent. */
  readonly onWarning?: (message: string) => void;
  /** @default `txnflow-<stage>-<start time>` */
  readonly replayName?: string;
  /** @default 5000 */
  readonly pollIntervalMs?: number;
  /** How long to wait for the end; the replay itself goes on. @default 3_600_000 (an hour) */
  readonly timeoutMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
  readonly now?: () => Date;
}

interface AwsReplayResult {
  readonly replayName: string;
  readonly replayArn: string | undefined;
  /** The ARNs of the rules replayed to; empty for every rule of the bus. */
  readonly ruleArns: readonly string[];
  readonly startedAt: Date | undefined;
  readonly endedAt: Date | undefined;
}

/** Base class of the replay's errors; the CLI prints the message. */
class AwsReplayError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'AwsReplayError';
  }
}

/** The stage's archive does not exist: the bus stack is not deployed (in this account/region). */
class ArchiveNotFoundError extends AwsReplayError {
  readonly archiveName: string;

  constructor(name: string, options?: ErrorOptions) {
    super(`no archive ${name}: deploy the bus stack of this stage first`, options);
    this.name = 'ArchiveNotFoundError';
    this.archiveName = name;
  }
}

/** A requested rule is on no rule of the bus. */
class UnknownRuleError extends AwsReplayError {
  readonly unknown: readonly string[];
  readonly known: readonly string[];

  constructor(bus: string, unknown: readonly string[], known: readonly string[]) {
    super(`no rule ${unknown.join(', ')} on ${bus}; its rules: ${known.join(', ') || 'none'}`);
    this.name = 'UnknownRuleError';
    this.unknown = unknown;
    this.known = known;
  }
}

/** EventBridge ended the replay as FAILED or CANCELLED. */
class ReplayFailedError extends AwsReplayError {
  readonly replayName: string;
  readonly state: string;

  constructor(replayName: string, state: string, reason: string | undefined) {
    super(`replay ${replayName} ended ${state}${reason ? `: ${reason}` : ''}`);
    this.name = 'ReplayFailedError';
    this.replayName = replayName;
    this.state = state;
  }
}

/** EventBridge runs at most 10 replays at once in an account and Region; this was the 11th. */
class ReplayLimitError extends AwsReplayError {
  readonly replayName: string;

  constructor(replayName: string, options?: ErrorOptions) {
    super(
      `replay ${replayName} not started: EventBridge runs at most ${MAX_CONCURRENT_REPLAYS} replays at once ` +
        'in an account and Region, and that many are under way. Start it again once one has ended ' +
        '(aws events list-replays --state RUNNING), or cancel one (aws events cancel-replay --replay-name NAME).',
      options,
    );
    this.name = 'ReplayLimitError';
    this.replayName = replayName;
  }
}

/** The replay did not end in time; it goes on in EventBridge (DescribeReplay follows it). */
class ReplayTimeoutError extends AwsReplayError {
  readonly replayName: string;

  constructor(replayName: string, timeoutMs: number) {
    super(`replay ${replayName} still running after ${Math.round(timeoutMs / 1000)} s`);
    this.name = 'ReplayTimeoutError';
    this.replayName = replayName;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** EventBridge's quota of replays under way at once, per account and Region. */
const MAX_CONCURRENT_REPLAYS = 10;

/**
 * "There may be a delay between an event being received and arriving in the archive. We
 * recommend that you delay replaying archived events for 10 minutes" (Archiving and replaying
 * events in Amazon EventBridge).
 */
const ARCHIVE_DELAY_MS = 10 * 60 * 1000;

/** A warning when the window ends so recently that its last events may not be archived yet. */
function archiveDelayWarning(to: Date, now: Date): string | undefined {
  if (to.getTime() <= now.getTime() - ARCHIVE_DELAY_MS) return undefined;
  return (
    `the window ends at ${to.toISOString()}, less than 10 minutes before now: EventBridge ` +
    'archives events with a delay, so its last events may not be in the archive yet and would ' +
    'not be replayed. AWS advises replaying windows that ended at least 10 minutes ago.'
  );
}

async function sendStartReplay(
  client: EventBridgeClient,
  replayName: string,
  command: StartReplayCommand,
): Promise<StartReplayCommandOutput> {
  try {
    return await client.send(command);
  } catch (error) {
    if (error instanceof LimitExceededException)
      throw new ReplayLimitError(replayName, { cause: error });
    throw error;
  }
}

/** `txnflow-dev-20261124T111500Z`: the characters a replay name allows, at most 64. */
function defaultReplayName(stage: string, at: Date): string {
  const stamp = at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d+Z$/, 'Z');
  return `txnflow-${stage}-${stamp}`.slice(0, 64);
}

async function archiveOf(client: EventBridgeClient, name: string) {
  try {
    const archive = await client.send(new DescribeArchiveCommand({ ArchiveName: name }));
    if (!archive.ArchiveArn || !archive.EventSourceArn) throw new ArchiveNotFoundError(name);
    return { archiveArn: archive.ArchiveArn, busArn: archive.EventSourceArn };
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new ArchiveNotFoundError(name, { cause: error });
    }
    throw error;
  }
}

async function rulesOf(client: EventBridgeClient, bus: string): Promise<Rule[]> {
  const rules: Rule[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(
      new ListRulesCommand({ EventBusName: bus, ...(nextToken ? { NextToken: nextToken } : {}) }),
    );
    rules.push(...(page.Rules ?? []));
    nextToken = page.NextToken;
  } while (nextToken);
  return rules;
}

/** Rule ARNs for names given as manifest rule names or physical names. */
async function resolveRuleArns(
  client: EventBridgeClient,
  bus: string,
  names: readonly string[],
): Promise<string[]> {
  const rules = await rulesOf(client, bus);
  const arnOf = (name: string) =>
    rules.find((r) => r.Name === name || manifestRuleOf(r.Description) === name)?.Arn;
  const unknown = names.filter((name) => !arnOf(name));
  if (unknown.length > 0) {
    const known = rules.map((r) => manifestRuleOf(r.Description) ?? r.Name ?? '?');
    throw new UnknownRuleError(bus, unknown, known);
  }
  return names.map((name) => arnOf(name) as string);
}

function progressOf(
  replayName: string,
  state: string,
  replayedUpTo: Date | undefined,
  from: Date,
  to: Date,
): ReplayProgress {
  const window = to.getTime() - from.getTime();
  const done = replayedUpTo ? (replayedUpTo.getTime() - from.getTime()) / window : 0;
  const fraction = state === 'COMPLETED' ? 1 : Math.min(1, Math.max(0, done));
  return { replayName, state, replayedUpTo, fraction };
}

/**
 * Replays the stage's archive on AWS: the events of [from, to) put back on the txnflow bus
 * (with `replay-name`), to every rule or to the named ones, then follows the replay until
 * EventBridge ends it, reporting progress. A backfill of a fresh ledger table is a replay to
 * `TransactionRecordedToLedger`; alerting's rules never take replayed events.
 *
 * Steps: DescribeArchive (the archive's ARN, and the bus it archives), ListRules to resolve
 * rule names (manifest names are in the rules' descriptions), StartReplay, DescribeReplay
 * every `pollIntervalMs` until COMPLETED, FAILED or CANCELLED.
 *
 * @example await startAwsReplay({ stage: 'dev', from, to, rules: ['TransactionRecordedToLedger'], client: new EventBridgeClient({}) })
 * A window ending less than 10 minutes before now is replayed, with a warning
 * (`onWarning`): its last events may not be archived yet.
 *
 * @throws {ArchiveNotFoundError}, {UnknownRuleError}, {ReplayLimitError}, {ReplayFailedError},
 *   {ReplayTimeoutError}
 */
async function startAwsReplay(options: AwsReplayOptions): Promise<AwsReplayResult> {
  const { client, stage, from, to } = options;
  if (!(from.getTime() < to.getTime())) {
    throw new AwsReplayError(
      `the window must start before it ends: ${from.toISOString()} to ${to.toISOString()}`,
    );
  }
  const sleep = options.sleep ?? defaultSleep;
  const now = options.now ?? (() => new Date());
  const pollIntervalMs = options.pollIntervalMs ?? 5000;
  const timeoutMs = options.timeoutMs ?? 3_600_000;
  const replayName = options.replayName ?? defaultReplayName(stage, now());

  const warning = archiveDelayWarning(to, now());
  if (warning) options.onWarning?.(warning);
  const { archiveArn, busArn } = await archiveOf(client, archiveName(stage));
  const ruleArns = options.rules?.length
    ? await resolveRuleArns(client, busName(stage), options.rules)
    : [];
  const started = await sendStartReplay(
    client,
    replayName,
    new StartReplayCommand({
      ReplayName: replayName,
      Description: `txnflow replay of ${stage}${options.rules?.length ? ` to ${options.rules.join(', ')}` : ''}`,
      EventSourceArn: archiveArn,
      EventStartTime: from,
      EventEndTime: to,
      Destination: { Arn: busArn, ...(ruleArns.length > 0 ? { FilterArns: ruleArns } : {}) },
    }),
  );

  const deadline = now().getTime() + timeoutMs;
  for (;;) {
    const replay = await client.send(new DescribeReplayCommand({ ReplayName: replayName }));
    const state = replay.State ?? 'STARTING';
    options.onProgress?.(progressOf(replayName, state, replay.EventLastReplayedTime, from, to));
    if (state === 'COMPLETED') {
      return {
        replayName,
        replayArn: replay.ReplayArn ?? started.ReplayArn,
        ruleArns,
        startedAt: replay.ReplayStartTime,
        endedAt: replay.ReplayEndTime,
      };
    }
    if (state === 'FAILED' || state === 'CANCELLED') {
      throw new ReplayFailedError(replayName, state, replay.StateReason);
    }
    if (now().getTime() >= deadline) throw new ReplayTimeoutError(replayName, timeoutMs);
    await sleep(pollIntervalMs);
  }
}

export type { AwsReplayOptions, AwsReplayResult, ReplayProgress };
export {
  ArchiveNotFoundError,
  AwsReplayError,
  archiveDelayWarning,
  ReplayFailedError,
  ReplayLimitError,
  ReplayTimeoutError,
  startAwsReplay,
  UnknownRuleError,
};
