import { parseArgs } from 'node:util';
import { type CliArgs, type CliIo, UsageError } from './cli-context.ts';
import { runDemo } from './commands/demo.ts';
import { runIngest } from './commands/ingest.ts';
import { runListing } from './commands/listings.ts';
import {
  runRedrive,
  runReplay,
  runReset,
  runResume,
  runTestPattern,
} from './commands/operations.ts';
import { runServe } from './commands/serve.ts';
import { runTrace } from './commands/trace.ts';

const USAGE = `txnflow: ingest transactions files and watch balances and alerts, locally.

Usage: txnflow <command> [options]      (state in ./.txnflow, or --state DIR)

  demo                          fresh state, ingest the sample file, show every table, queue and email
  ingest FILE...                put files in the local bucket and run until idle
  balances | customers | alerts | outbox | events
  events dropped                events PutEvents dropped: their bus does not exist (AWS drops them too)
  transactions [--customer ID]
  entries [--customer ID]       the ledger's entries, each customer's in chain order
  queue NAME                    messages now in a queue (CustomerNotify, CreditCollection, any ...DLQ)
  replay --from ISO --to ISO [--rule NAME]...   replay the archive, run until idle
         [--aws --stage STAGE]    ...or replay the deployed stage's EventBridge archive
  reset SERVICE                 empty a service's tables (ingest, ledger, alerting)
  redrive QUEUE                 move a dead-letter queue's messages back for another try
  resume                        finish the work a stopped run left, then stop
  test-pattern --pattern JSON|@file --event JSON|@file
  trace ID                      what happened to an upload key, a transaction C2/T1008, an alert id
                                C2:T1012, an event id or a correlation id: the causal tree, with times
         [--aws --stage STAGE]    ...or on the deployed stage (CloudWatch Logs Insights, DLQs, archive)
  serve [--port N] [--host H] [--max-upload-mb N]   the console and the services' APIs on one port
                                of 127.0.0.1 (default 4000), driving the state folder until Ctrl-C

Options: --json (print one JSON value and nothing else), --state DIR, --help,
         --wait SECONDS (how long to wait for another process using the state folder; default 1800)
Exit codes: 0 done, 1 failed, 2 wrong usage, 3 ingest finished but needs attention (stderr says what)`;

const LISTINGS = new Set([
  'balances',
  'entries',
  'customers',
  'transactions',
  'alerts',
  'queue',
  'outbox',
  'events',
]);

function parseCli(argv: readonly string[]): CliArgs & { help: boolean } {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    options: {
      json: { type: 'boolean', default: false },
      state: { type: 'string', default: '.txnflow' },
      customer: { type: 'string' },
      from: { type: 'string' },
      to: { type: 'string' },
      rule: { type: 'string', multiple: true, default: [] },
      aws: { type: 'boolean', default: false },
      stage: { type: 'string', default: 'dev' },
      pattern: { type: 'string' },
      event: { type: 'string' },
      wait: { type: 'string' },
      port: { type: 'string' },
      host: { type: 'string' },
      'max-upload-mb': { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  const [command = 'help', ...rest] = positionals;
  return {
    command,
    positionals: rest,
    json: values.json ?? false,
    stateDir: values.state ?? '.txnflow',
    customer: values.customer,
    from: values.from,
    to: values.to,
    rules: values.rule ?? [],
    aws: values.aws ?? false,
    stage: values.stage ?? 'dev',
    pattern: values.pattern,
    event: values.event,
    waitMs: parseWait(values.wait),
    port: values.port,
    host: values.host,
    maxUploadMb: values['max-upload-mb'],
    help: values.help ?? false,
  };
}

function parseWait(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new Error(`--wait: "${value}" is not a number of seconds`);
  }
  return Math.round(seconds * 1000);
}

/** Runs the command and gives its exit code: ingest (and the demo) can end needing attention. */
async function dispatch(args: CliArgs, io: CliIo): Promise<number> {
  if (LISTINGS.has(args.command)) {
    await runListing(args, io);
    return 0;
  }
  switch (args.command) {
    case 'demo':
      return runDemo(args, io);
    case 'ingest':
      return runIngest(args, io);
    case 'replay':
      await runReplay(args, io);
      return 0;
    case 'reset':
      await runReset(args, io);
      return 0;
    case 'redrive':
      await runRedrive(args, io);
      return 0;
    case 'resume':
      await runResume(args, io);
      return 0;
    case 'test-pattern':
      await runTestPattern(args, io);
      return 0;
    case 'trace':
      return runTrace(args, io);
    case 'serve':
      await runServe(args, io);
      return 0;
    default:
      throw new UsageError(`unknown command "${args.command}"`);
  }
}

/**
 * Runs the CLI and returns the exit code: 0 done, 1 failed, 2 wrong usage, 3 (ingest) done
 * but a file was not read or ingested, or a dead-letter queue holds messages.
 *
 * @example process.exitCode = await main(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env });
 */
async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ReturnType<typeof parseCli>;
  try {
    args = parseCli(argv);
  } catch (error) {
    io.err.write(`txnflow: ${(error as Error).message} (txnflow --help lists the commands)\n`);
    return 2;
  }
  if (args.help || args.command === 'help') {
    io.out.write(`${USAGE}\n`);
    return 0;
  }
  try {
    return await dispatch(args, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err.write(`txnflow: ${error.message} (txnflow --help lists the commands)\n`);
      return 2;
    }
    // One line, no stack trace; TXNFLOW_DEBUG=1 shows the stack.
    const message = (error as Error).message?.split('\n')[0] ?? String(error);
    io.err.write(`txnflow ${args.command} failed: ${message}\n`);
    if (io.env.TXNFLOW_DEBUG) io.err.write(`${(error as Error).stack}\n`);
    return 1;
  }
}

export { main, parseCli, USAGE };
