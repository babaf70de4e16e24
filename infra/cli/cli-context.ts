import { resolve } from 'node:path';
import {
  DamagedStateFolderError,
  describeHolder,
  StateFolderBusyError,
  type StateFolderHolder,
  type WaitPolicy,
} from '../local/index.ts';
import {
  DEFAULT_IDLE_TIMEOUT_MS,
  LocalTxnflow,
  type OpenLocalTxnflowOptions,
} from '../local-app/local-txnflow.ts';

/** The parsed command line every command receives. */
interface CliArgs {
  readonly command: string;
  readonly positionals: readonly string[];
  readonly json: boolean;
  readonly stateDir: string;
  readonly customer?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  readonly rules: readonly string[];
  readonly aws: boolean;
  readonly stage: string;
  readonly pattern?: string | undefined;
  readonly event?: string | undefined;
  /** How long to wait for another process using the state folder, in ms. */
  readonly waitMs?: number | undefined;
  /** `serve`: where to listen, and the upload limit. */
  readonly port?: string | undefined;
  readonly host?: string | undefined;
  readonly maxUploadMb?: string | undefined;
}

/** Where a command writes: stdout for results, stderr for progress and errors. */
interface CliIo {
  readonly out: { write(text: string): unknown };
  readonly err: { write(text: string): unknown; isTTY?: boolean };
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** A command-line mistake: printed with the usage hint, exit code 2. */
class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** How a command opens the state folder: to drive it (the default), or only to read it. */
interface OpenTxnflowOptions extends Partial<OpenLocalTxnflowOptions> {
  /** Listings read beside a running driver instead of waiting for it. @default false */
  readonly readOnly?: boolean;
}

/** `txnflow ingest a.txt`: how the lock's holder note names this command to other processes. */
const commandLineOf = (args: CliArgs): string =>
  ['txnflow', args.command, ...args.positionals].join(' ');

/** Waits as long as `--wait` says, and says once on stderr what it is waiting for. */
function waitPolicyFor(args: CliArgs, io: CliIo, stateDir: string): WaitPolicy {
  const timeoutMs = args.waitMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  return {
    timeoutMs,
    onWait: (holder: StateFolderHolder | undefined) => {
      if (timeoutMs === 0) return;
      const since = holder ? ` since ${holder.since}` : '';
      io.err.write(
        `txnflow: waiting for ${describeHolder(holder)}, which is using the state folder ${stateDir}${since} ` +
          `(at most ${Math.round(timeoutMs / 1000)} s; --wait SECONDS changes that)\n`,
      );
    },
  };
}

/**
 * Opens the local txnflow on the command's state folder, runs `work`, and always closes it.
 * One process at a time drives a folder: a command that drives waits for the one driving it
 * now (`--wait`); a listing (`readOnly`) reads beside it.
 *
 * @example await withTxnflow(args, io, (txnflow) => txnflow.balances(), { readOnly: true });
 */
async function withTxnflow<T>(
  args: CliArgs,
  io: CliIo,
  work: (txnflow: LocalTxnflow) => Promise<T>,
  options: OpenTxnflowOptions = {},
): Promise<T> {
  const stateDir = resolve(args.stateDir);
  const { readOnly = false, ...openOptions } = options;
  const open = { stateDir, env: io.env, owner: commandLineOf(args), ...openOptions };
  const wait = waitPolicyFor(args, io, stateDir);
  let txnflow: LocalTxnflow;
  try {
    txnflow = readOnly
      ? await LocalTxnflow.openForReading(open, wait)
      : await LocalTxnflow.openWhenFree(open, wait);
  } catch (error) {
    // These name the folder and say what to do already.
    if (error instanceof StateFolderBusyError || error instanceof DamagedStateFolderError) {
      throw error;
    }
    throw new Error(`cannot use the state folder ${stateDir}: ${(error as Error).message}`, {
      cause: error,
    });
  }
  try {
    return await work(txnflow);
  } finally {
    txnflow.close();
  }
}

/**
 * Prints a result: exactly one JSON value with `--json`, a readable rendering otherwise.
 *
 * @example print(io, args, balances, (rows) => renderTable(rows));
 */
function print<T>(io: CliIo, args: CliArgs, value: T, human: (value: T) => string): void {
  io.out.write(args.json ? `${JSON.stringify(value, null, 2)}\n` : `${human(value)}\n`);
}

export type { CliArgs, CliIo, OpenTxnflowOptions };
export { commandLineOf, print, UsageError, waitPolicyFor, withTxnflow };
