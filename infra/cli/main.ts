import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { type CliArgs, type CliIo, DEFAULT_STATE_DIR, UsageError } from './cli-args.ts';

const USAGE = `txnflow: ingest transactions files and watch balances and alerts, locally.

Usage: txnflow <command> [options]      (state in ./.txnflow, or --state DIR; npm start's demo: --state .txnflow/demo)

  demo                          fresh state, ingest the sample file, show every table, queue and email
  ingest FILE...                put files in the local bucket and run until idle
  report FILE                   the summary and rejects report of FILE's latest ingest, and where they are on disk
  balances | customers | alerts | outbox | events
  events dropped                events PutEvents dropped: their bus does not exist (AWS drops them too)
  transactions [--customer ID]
  entries [--customer ID]       the ledger's entries, each customer's in chain order
  queues                        every queue and dead-letter queue, with its messages visible and in flight
  queue NAME                    messages now in a queue (CustomerNotify, CreditCollection, any ...DLQ)
  replay [--from ISO] [--to ISO|now] [--rule NAME]...   replay the archive (default: all of it), run until idle
         [--aws --stage STAGE]    ...or replay the deployed stage's EventBridge archive
  reset SERVICE                 empty a service's tables (ingest, ledger, alerting)
  redrive DLQ [--to QUEUE]      move a dead-letter queue's messages back for another try, or to QUEUE
  resume                        finish the work a stopped run left, then stop
  test-pattern --pattern JSON|@file --event JSON|@file
  trace ID                      what happened to an upload key, a transaction C2/T1008, an alert id
                                C2:T1012, an event id or a correlation id: the causal tree, with times
         [--aws --stage STAGE]    ...or on the deployed stage (CloudWatch Logs Insights, DLQs, archive)
  serve [--port N] [--host H] [--max-upload-mb N]   the console and the services' APIs on one port
                                of 127.0.0.1 (default 4000), driving the state folder until Ctrl-C

Options: --json (print one JSON value and nothing else), --state DIR, --help, --version,
         --wait SECONDS (how long to wait for another process using the state folder; default 1800)
Read-only commands (listings, queues, report, trace) never create or change the state folder.
Exit codes: 0 done, 1 failed, 2 wrong usage, 3 ingest finished but needs attention (stderr says what)`;

/** The options every command takes. */
const GLOBAL_OPTIONS = ['json', 'state', 'wait', 'help', 'version'] as const;

type OptionName =
  | (typeof GLOBAL_OPTIONS)[number]
  | 'customer'
  | 'from'
  | 'to'
  | 'rule'
  | 'aws'
  | 'stage'
  | 'pattern'
  | 'event'
  | 'port'
  | 'host'
  | 'max-upload-mb';

/**
 * What a command takes besides the global options: its positional arguments (`FILE...` takes
 * one or more, `[dropped]` is optional), its own options, and how it runs. Each command's
 * module is imported when the command runs, so a listing never loads the AWS SDK, say.
 */
interface CommandSpec {
  readonly args: readonly string[];
  readonly options?: readonly OptionName[];
  readonly run: (args: CliArgs, io: CliIo) => Promise<number>;
}

const listing: CommandSpec['run'] = async (args, io) => {
  const { runListing } = await import('./commands/listings.ts');
  await runListing(args, io);
  return 0;
};

/** Runs a command that only prints: exit 0 unless it throws. */
const done =
  (load: () => Promise<(args: CliArgs, io: CliIo) => Promise<void>>): CommandSpec['run'] =>
  async (args, io) => {
    await (await load())(args, io);
    return 0;
  };

const operations = () => import('./commands/operations.ts');

const COMMANDS: Readonly<Record<string, CommandSpec>> = {
  demo: { args: [], run: async (a, io) => (await import('./commands/demo.ts')).runDemo(a, io) },
  ingest: {
    args: ['FILE...'],
    run: async (a, io) => (await import('./commands/ingest.ts')).runIngest(a, io),
  },
  report: {
    args: ['FILE'],
    run: done(async () => (await import('./commands/report.ts')).runReport),
  },
  balances: { args: [], run: listing },
  customers: { args: [], run: listing },
  alerts: { args: [], run: listing },
  outbox: { args: [], run: listing },
  events: { args: ['[dropped]'], run: listing },
  transactions: { args: [], options: ['customer'], run: listing },
  entries: { args: [], options: ['customer'], run: listing },
  queues: { args: [], run: listing },
  queue: { args: ['NAME'], run: listing },
  replay: {
    args: [],
    options: ['from', 'to', 'rule', 'aws', 'stage'],
    run: done(async () => (await operations()).runReplay),
  },
  reset: { args: ['SERVICE'], run: done(async () => (await operations()).runReset) },
  redrive: {
    args: ['DLQ'],
    options: ['to'],
    run: done(async () => (await operations()).runRedrive),
  },
  resume: { args: [], run: done(async () => (await operations()).runResume) },
  'test-pattern': {
    args: [],
    options: ['pattern', 'event'],
    run: done(async () => (await operations()).runTestPattern),
  },
  trace: {
    args: ['ID'],
    options: ['aws', 'stage'],
    run: async (a, io) => (await import('./commands/trace.ts')).runTrace(a, io),
  },
  serve: {
    args: [],
    options: ['port', 'host', 'max-upload-mb'],
    run: done(async () => (await import('./commands/serve.ts')).runServe),
  },
};

/** Refuses missing and extra positional arguments, and options the command does not take. */
function checkArguments(
  command: string,
  spec: CommandSpec,
  positionals: readonly string[],
  given: ReadonlySet<string>,
): void {
  const required = spec.args.filter((a) => !a.startsWith('['));
  const many = spec.args.some((a) => a.endsWith('...'));
  const usage = ['txnflow', command, ...spec.args].join(' ');
  if (positionals.length < required.length) {
    throw new UsageError(`${command} needs ${required.join(' ')}: ${usage}`);
  }
  if (!many && positionals.length > spec.args.length) {
    const extra = positionals.slice(spec.args.length).map((p) => `"${p}"`);
    throw new UsageError(`${command} takes ${takes(spec)}, not also ${extra.join(' ')}: ${usage}`);
  }
  const allowed = new Set<string>([...GLOBAL_OPTIONS, ...(spec.options ?? [])]);
  const refused = [...given].filter((option) => !allowed.has(option));
  if (refused.length > 0) {
    const own = spec.options?.length ? spec.options.map((o) => `--${o}`).join(', ') : 'none';
    throw new UsageError(
      `${command} does not take ${refused.map((o) => `--${o}`).join(', ')} (its own options: ${own})`,
    );
  }
}

const takes = (spec: CommandSpec): string =>
  spec.args.length === 0 ? 'no arguments' : spec.args.join(' ');

type ParsedCli = CliArgs & {
  /** The options the command line has, by name. */
  readonly given: ReadonlySet<string>;
  readonly help: boolean;
  readonly version: boolean;
};

/**
 * Reads the command line: the command, its positional arguments and the options given.
 *
 * @example parseCli(['queue', 'CustomerNotify', '--json']).positionals // ['CustomerNotify']
 * @throws {UsageError} for an unknown option, or an option without its value.
 */
function parseCli(argv: readonly string[]): ParsedCli {
  const { values, positionals } = parseOptions(argv);
  const [command = 'help', ...rest] = positionals;
  return {
    command,
    positionals: rest,
    given: new Set(
      Object.keys(values).filter((k) => values[k as keyof typeof values] !== undefined),
    ),
    json: values.json ?? false,
    stateDir: values.state ?? DEFAULT_STATE_DIR,
    customer: values.customer,
    from: values.from,
    to: values.to,
    rules: values.rule ?? [],
    aws: values.aws ?? false,
    stage: values.stage ?? 'dev',
    pattern: values.pattern,
    event: values.event,
    port: values.port,
    host: values.host,
    maxUploadMb: values['max-upload-mb'],
    waitMs: parseWait(values.wait),
    help: values.help ?? false,
    version: values.version ?? false,
  };
}

function parseOptions(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: true,
      // No defaults here: an option is "given" only when the command line has it.
      options: {
        json: { type: 'boolean' },
        state: { type: 'string' },
        customer: { type: 'string' },
        from: { type: 'string' },
        to: { type: 'string' },
        rule: { type: 'string', multiple: true },
        aws: { type: 'boolean' },
        stage: { type: 'string' },
        pattern: { type: 'string' },
        event: { type: 'string' },
        port: { type: 'string' },
        host: { type: 'string' },
        'max-upload-mb': { type: 'string' },
        wait: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
        version: { type: 'boolean', short: 'V' },
      },
    });
  } catch (error) {
    throw new UsageError(describeParseError(error as Error & { code?: string }), { cause: error });
  }
}

/** Node's parseArgs messages, in the CLI's words (its "Unknown option" one quotes unevenly). */
function describeParseError(error: Error & { code?: string }): string {
  const option = /'(-[^' ]+)/.exec(error.message)?.[1] ?? '';
  switch (error.code) {
    case 'ERR_PARSE_ARGS_UNKNOWN_OPTION':
      return `unknown option ${option} (an argument that starts with "-" goes after "--": txnflow ingest -- -file.txt)`;
    case 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE':
      return /argument missing/.test(error.message)
        ? `${option} needs a value`
        : `${option} takes no value`;
    default:
      return error.message;
  }
}

function parseWait(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (value.trim() === '' || !Number.isFinite(seconds) || seconds < 0) {
    throw new UsageError(`--wait: "${value}" is not a number of seconds`);
  }
  return Math.round(seconds * 1000);
}

/** The version in the package.json beside the CLI's sources, as npm shows it. */
function packageVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

/** Runs the command and gives its exit code: ingest (and the demo) can end needing attention. */
function dispatch(args: ParsedCli, io: CliIo): Promise<number> {
  const spec = Object.hasOwn(COMMANDS, args.command) ? COMMANDS[args.command] : undefined;
  if (!spec) throw new UsageError(`unknown command "${args.command}"`);
  checkArguments(args.command, spec, args.positionals, args.given);
  return spec.run(args, io);
}

/**
 * Runs the CLI and returns the exit code: 0 done, 1 failed, 2 wrong usage, 3 (ingest) done
 * but a file was not read or ingested, or a dead-letter queue holds messages.
 *
 * @example process.exitCode = await main(process.argv.slice(2), { out: process.stdout, err: process.stderr, env: process.env });
 */
async function main(argv: readonly string[], io: CliIo): Promise<number> {
  let args: ParsedCli;
  try {
    args = parseCli(argv);
  } catch (error) {
    io.err.write(`txnflow: ${(error as Error).message} (txnflow --help lists the commands)\n`);
    return 2;
  }
  if (args.version) {
    io.out.write(`${packageVersion()}\n`);
    return 0;
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
