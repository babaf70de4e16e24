import { readFile } from 'node:fs/promises';
import { testEventPattern } from '../../local/index.ts';
import { type CliArgs, type CliIo, print, UsageError, withTxnflow } from '../cli-context.ts';

/**
 * A replay window's end: an ISO time, `now`, or, when not given, `fallback` (the archive's
 * start for --from, now for --to), so `txnflow replay` alone replays the whole archive.
 */
function parseInstant(flag: string, value: string | undefined, fallback: Date): Date {
  if (value === undefined || value === 'now') return value === 'now' ? new Date() : fallback;
  const date = new Date(value);
  if (Number.isNaN(date.getTime()) || value.trim() === '') {
    throw new UsageError(
      `--${flag}: "${value}" is not an ISO time (e.g. 2026-11-01T00:00:00Z) or now`,
    );
  }
  return date;
}

/**
 * `txnflow replay --aws --stage STAGE --from ISO --to ISO [--rule NAME…]`: starts an
 * EventBridge replay of the stage's archive and follows it to the end, printing progress.
 * Credentials and region come from the usual AWS SDK sources (env, profile, SSO).
 */
async function runAwsReplay(args: CliArgs, io: CliIo, from: Date, to: Date): Promise<void> {
  const [{ EventBridgeClient }, { startAwsReplay }] = await Promise.all([
    import('@aws-sdk/client-eventbridge'),
    import('../../aws/replay.ts'),
  ]);
  const result = await startAwsReplay({
    stage: args.stage,
    from,
    to,
    rules: args.rules,
    client: new EventBridgeClient({}),
    onWarning: (message) => io.err.write(`txnflow replay: warning: ${message}\n`),
    onProgress: (p) =>
      io.err.write(
        `${p.replayName}: ${p.state} ${(p.fraction * 100).toFixed(0)}%${p.replayedUpTo ? ` (up to ${p.replayedUpTo.toISOString()})` : ''}\n`,
      ),
  });
  print(io, args, result, (r) => JSON.stringify(r, null, 2));
}

/**
 * `txnflow replay [--from ISO] [--to ISO|now] [--rule NAME…]`, on the local archive (or
 * `--aws`): the window defaults to the whole archive, up to now. A window that holds no
 * event replays nothing, and says so on stderr with the times the archive's events span.
 */
async function runReplay(args: CliArgs, io: CliIo): Promise<void> {
  if (args.aws && (args.from === undefined || args.to === undefined)) {
    throw new UsageError('replay --aws needs --from ISO and --to ISO');
  }
  const from = parseInstant('from', args.from, new Date(0));
  const to = parseInstant('to', args.to, new Date());
  if (!(from < to)) throw new UsageError('--from must be before --to');
  if (args.aws) return runAwsReplay(args, io, from, to);
  const { result, span } = await withTxnflow(args, io, async (txnflow) => ({
    result: await txnflow.replay({ from, to, rules: args.rules }),
    span: txnflow.archiveSpan(),
  }));
  if (result.eventsTotal === 0) io.err.write(`txnflow replay: ${emptyWindow(from, to, span)}\n`);
  print(io, args, result, (r) => JSON.stringify(r, null, 2));
}

function emptyWindow(from: Date, to: Date, span: { first: Date; last: Date } | undefined): string {
  const window = `the window ${from.toISOString()} to ${to.toISOString()} holds no archived event, so nothing was replayed`;
  if (!span) return `${window}: the archive is empty`;
  return `${window}: the archive's events arrived from ${span.first.toISOString()} to ${span.last.toISOString()} (leave out --from and --to to replay them all)`;
}

/** `txnflow reset SERVICE`: empties that service's tables. */
async function runReset(args: CliArgs, io: CliIo): Promise<void> {
  const service = args.positionals[0];
  if (!service) throw new UsageError('reset needs a SERVICE: ingest, ledger or alerting');
  const result = await withTxnflow(args, io, async (txnflow) => txnflow.reset(service));
  print(io, args, result, (r) => `emptied ${r.tables.join(', ')}`);
}

/**
 * `txnflow redrive DLQ [--to QUEUE]`: gives a dead-letter queue's messages another try, where
 * they failed or in QUEUE, and runs until idle. Only dead-letter queues are redriven.
 */
async function runRedrive(args: CliArgs, io: CliIo): Promise<void> {
  const queue = args.positionals[0];
  if (!queue) throw new UsageError('redrive needs a dead-letter queue, e.g. LedgerTransactionsDLQ');
  const result = await withTxnflow(args, io, (txnflow) => txnflow.redrive(queue, args.to));
  const where = args.to === undefined ? 'back for another try' : `to ${args.to}`;
  print(io, args, result, (r) => `moved ${r.moved} message(s) from ${r.queue} ${where}`);
}

async function jsonArgument(flag: string, value: string | undefined): Promise<string> {
  if (!value) throw new UsageError(`test-pattern needs --${flag} JSON|@file`);
  return value.startsWith('@') ? readFile(value.slice(1), 'utf8') : value;
}

/** `txnflow resume`: reopens the state and runs until every pending delivery has settled. */
async function runResume(args: CliArgs, io: CliIo): Promise<void> {
  await withTxnflow(args, io, (txnflow) => txnflow.runUntilIdle());
  print(io, args, { resumed: true }, () => 'all pending work is done');
}

/** `txnflow test-pattern --pattern JSON|@file --event JSON|@file`: true or false. */
async function runTestPattern(args: CliArgs, io: CliIo): Promise<void> {
  const pattern = await jsonArgument('pattern', args.pattern);
  const event = await jsonArgument('event', args.event);
  const matches = testEventPattern(pattern, event);
  io.out.write(args.json ? `${JSON.stringify({ Result: matches })}\n` : `${matches}\n`);
}

export { parseInstant, runRedrive, runReplay, runReset, runResume, runTestPattern };
