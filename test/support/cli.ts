import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { IngestOutput } from '../../infra/cli/commands/ingest.ts';
import { main } from '../../infra/cli/main.ts';
import { LocalTxnflow } from '../../infra/local-app/local-txnflow.ts';

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** A txnflow CLI bound to a fresh state folder, as a user would run it, in-process. */
class CliHarness {
  readonly dir: string;
  readonly #env: Readonly<Record<string, string>>;

  private constructor(dir: string, env: Readonly<Record<string, string>>) {
    this.dir = dir;
    this.#env = env;
  }

  /** `env` adds to the process's environment, e.g. `{ TXNFLOW_FAULTS: 'fail=0.2,seed=7' }`. */
  static async create(env: Readonly<Record<string, string>> = {}): Promise<CliHarness> {
    return new CliHarness(await mkdtemp(join(tmpdir(), 'txnflow-e2e-')), env);
  }

  get stateDir(): string {
    return join(this.dir, 'state');
  }

  async run(...argv: string[]): Promise<CliRun> {
    return this.runWith({}, ...argv);
  }

  /** Runs with extra environment variables for this run only, over the harness's own. */
  async runWith(env: Readonly<Record<string, string>>, ...argv: string[]): Promise<CliRun> {
    let stdout = '';
    let stderr = '';
    const code = await main([...argv, '--state', this.stateDir], {
      out: { write: (text: string) => (stdout += text) },
      err: { write: (text: string) => (stderr += text), isTTY: false },
      env: { ...process.env, TXNFLOW_FAULTS: '', ...this.#env, ...env },
    });
    return { code, stdout, stderr };
  }

  /** Runs with --json and parses the single JSON value printed; fails loudly otherwise. */
  async json<T = unknown>(...argv: string[]): Promise<T> {
    const result = await this.run(...argv, '--json');
    if (result.code !== 0)
      throw new Error(`txnflow ${argv.join(' ')} exited ${result.code}: ${result.stderr}`);
    return JSON.parse(result.stdout) as T;
  }

  /**
   * `txnflow ingest --json FILE…` whatever its exit code (3 says something needs
   * attention): the code, the one JSON value printed, and stderr.
   */
  async ingest(
    ...paths: string[]
  ): Promise<{ code: number; output: IngestOutput; stderr: string }> {
    const result = await this.run('ingest', ...paths, '--json');
    if (result.code !== 0 && result.code !== 3)
      throw new Error(`txnflow ingest ${paths.join(' ')} exited ${result.code}: ${result.stderr}`);
    return {
      code: result.code,
      output: JSON.parse(result.stdout) as IngestOutput,
      stderr: result.stderr,
    };
  }

  async file(name: string, text: string | Buffer): Promise<string> {
    const path = join(this.dir, name);
    await mkdir(dirname(path), { recursive: true });
    await writeFile(path, text);
    return path;
  }

  /** Opens the state folder as its driver between commands, as an operator with the SDK would. */
  async withState<T>(work: (txnflow: LocalTxnflow) => T | Promise<T>): Promise<T> {
    const txnflow = LocalTxnflow.open({ stateDir: this.stateDir, env: {} });
    try {
      return await work(txnflow);
    } finally {
      txnflow.close();
    }
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

const SAMPLE = new URL('../../sample-data/transactions.txt', import.meta.url).pathname;

export type { CliRun };
export { CliHarness, SAMPLE };
