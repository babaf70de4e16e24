import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import {
  DATABASE_FILE,
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
import { type CliArgs, type CliIo, DEFAULT_STATE_DIR, DEMO_STATE_DIR } from './cli-args.ts';

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
    try {
      if (readOnly) pointAtTheDemo(args, io, txnflow);
    } finally {
      txnflow.close();
    }
  }
}

/**
 * After a read found the default state empty: says where `npm start`'s demo keeps its state,
 * when it has some, since that is the state a newcomer means.
 */
function pointAtTheDemo(args: CliArgs, io: CliIo, txnflow: LocalTxnflow): void {
  if (resolve(args.stateDir) !== resolve(DEFAULT_STATE_DIR)) return;
  if (!existsSync(join(DEMO_STATE_DIR, DATABASE_FILE)) || !txnflow.holdsNothing()) return;
  const command = ['txnflow', args.command, ...args.positionals, '--state', DEMO_STATE_DIR];
  io.err.write(
    `txnflow: the state in ${DEFAULT_STATE_DIR} is empty; npm start (txnflow demo) keeps its state in ${DEMO_STATE_DIR}: ${command.join(' ')}\n`,
  );
}

export type { CliArgs, CliIo } from './cli-args.ts';
export { DEFAULT_STATE_DIR, DEMO_STATE_DIR, print, UsageError } from './cli-args.ts';
export type { OpenTxnflowOptions };
export { commandLineOf, waitPolicyFor, withTxnflow };
