import { resolve } from 'node:path';
import { LocalTxnflow, type OpenLocalTxnflowOptions } from '../local-app/local-txnflow.ts';

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

/**
 * Opens the local txnflow on the command's state folder, runs `work`, and always closes it.
 *
 * @example await withTxnflow(args, io, (txnflow) => txnflow.balances());
 */
async function withTxnflow<T>(
  args: CliArgs,
  io: CliIo,
  work: (txnflow: LocalTxnflow) => Promise<T>,
  options: Partial<OpenLocalTxnflowOptions> = {},
): Promise<T> {
  const stateDir = resolve(args.stateDir);
  let txnflow: LocalTxnflow;
  try {
    txnflow = LocalTxnflow.open({ stateDir, env: io.env, ...options });
  } catch (error) {
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

export type { CliArgs, CliIo };
export { print, UsageError, withTxnflow };
