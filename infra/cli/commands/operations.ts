import { readFile } from 'node:fs/promises';
import { testEventPattern } from '../../local/index.ts';
import { type CliArgs, type CliIo, print, UsageError, withTxnflow } from '../cli-context.ts';

function parseInstant(flag: string, value: string | undefined): Date {
  if (!value) throw new UsageError(`replay needs --${flag} ISO-TIME`);
  const date = new Date(value);
  if (Number.isNaN(date.getTime()))
    throw new UsageError(`--${flag}: "${value}" is not an ISO time`);
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

/** `txnflow replay --from ISO --to ISO [--rule NAME…]`, on the local archive (or `--aws`). */
async function runReplay(args: CliArgs, io: CliIo): Promise<void> {
  const from = parseInstant('from', args.from);
  const to = parseInstant('to', args.to);
  if (!(from < to)) throw new UsageError('--from must be before --to');
  if (args.aws) return runAwsReplay(args, io, from, to);
  const result = await withTxnflow(args, io, (txnflow) =>
    txnflow.replay({ from, to, rules: args.rules }),
  );
  print(io, args, result, (r) => JSON.stringify(r, null, 2));
}

/** `txnflow reset SERVICE`: empties that service's tables. */
async function runReset(args: CliArgs, io: CliIo): Promise<void> {
  const service = args.positionals[0];
  if (!service) throw new UsageError('reset needs a SERVICE: ingest, ledger or alerting');
  const result = await withTxnflow(args, io, async (txnflow) => txnflow.reset(service));
  print(io, args, result, (r) => `emptied ${r.tables.join(', ')}`);
}

/** `txnflow redrive QUEUE`: moves a DLQ's messages back to their source queue, runs until idle. */
async function runRedrive(args: CliArgs, io: CliIo): Promise<void> {
  const queue = args.positionals[0];
  if (!queue) throw new UsageError('redrive needs a dead-letter QUEUE, e.g. LedgerTransactionsDLQ');
  const result = await withTxnflow(args, io, (txnflow) => txnflow.redrive(queue));
  print(
    io,
    args,
    result,
    (r) => `moved ${r.moved} message(s) from ${r.queue} back for another try`,
  );
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
