// The command line as every command receives it, kept apart from cli-context.ts so that
// main.ts reads it without loading the local runtime (a `--version` or `--help` stays quick).
import { join } from 'node:path';

/** Where the state is when no --state is given. */
const DEFAULT_STATE_DIR = '.txnflow';

/** Where `txnflow demo` (npm start) keeps its state when no --state is given. */
const DEMO_STATE_DIR = join(DEFAULT_STATE_DIR, 'demo');

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
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'UsageError';
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
export { DEFAULT_STATE_DIR, DEMO_STATE_DIR, print, UsageError };
