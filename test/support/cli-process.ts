import { type ChildProcess, spawn } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { formatMoney } from '@txnflow/contracts';
import type { FileRow } from './transactions-oracle.ts';

const BIN = new URL('../../infra/cli/bin/txnflow.js', import.meta.url).pathname;
const REPO_ROOT = new URL('../../', import.meta.url).pathname;

/** What a finished CLI process left behind. */
interface CliExit {
  readonly pid: number;
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A `txnflow` CLI running in its own process, as a second terminal would run it. */
interface CliProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Everything written to stderr so far. */
  stderr(): string;
  /** Resolves once stderr contains `text` (or the process ended without writing it). */
  stderrContains(text: string): Promise<boolean>;
  /** Resolves when the process has exited, with its output. */
  readonly exited: Promise<CliExit>;
}

/**
 * Starts `node infra/cli/bin/txnflow.js ARGS…` in a child process, without fault injection.
 *
 * @example const ingest = startCli('ingest', file, '--state', dir); const { code } = await ingest.exited;
 */
function startCli(...args: string[]): CliProcess {
  const child = spawn(process.execPath, [BIN, ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, TXNFLOW_FAULTS: '' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const stderrWatchers = new Set<() => void>();
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
    stderr += chunk;
    for (const watcher of stderrWatchers) watcher();
  });
  const exited = new Promise<CliExit>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      for (const watcher of stderrWatchers) watcher();
      resolve({ pid: child.pid ?? -1, code, signal, stdout, stderr });
    });
  });
  const stderrContains = (text: string) =>
    new Promise<boolean>((resolve) => {
      const check = () => {
        if (stderr.includes(text)) resolve(true);
        else if (child.exitCode !== null || child.signalCode !== null) resolve(false);
        else return;
        stderrWatchers.delete(check);
      };
      stderrWatchers.add(check);
      check();
    });
  return { child, pid: child.pid ?? -1, stderr: () => stderr, stderrContains, exited };
}

/** Runs the CLI in a child process to the end. */
function runCli(...args: string[]): Promise<CliExit> {
  return startCli(...args).exited;
}

/** One generated row: what the test expects the ledger to apply. */
type GeneratedRow = FileRow;

/**
 * Writes a transactions file of `rows` rows over `customers` customers, transaction ids
 * prefixed so that two files never share one, and returns the rows for an oracle. Amounts go
 * from -50.00 to 449.99 (some refunds); consecutive rows belong to different customers.
 *
 * @example const rows = await writeTransactions('/tmp/a.txt', { prefix: 'A', rows: 1500, customers: 250 });
 */
async function writeTransactions(
  path: string,
  options: { readonly prefix: string; readonly rows: number; readonly customers: number },
): Promise<GeneratedRow[]> {
  const rows: GeneratedRow[] = [];
  const lines = ['customer_id|customer_address|trn_id|trn_date|trn_amount'];
  for (let i = 0; i < options.rows; i += 1) {
    const customer = i % options.customers;
    const row = {
      customerId: `C${customer}`,
      transactionId: `${options.prefix}${i}`,
      cents: ((i * 7919 + options.prefix.charCodeAt(0) * 104_729) % 50_000) - 5_000,
    };
    rows.push(row);
    const day = String(1 + (i % 28)).padStart(2, '0');
    lines.push(
      `${row.customerId}|${customer} Market Street|${row.transactionId}|2023-03-${day}|${formatMoney(row.cents)}`,
    );
  }
  await writeFile(path, `${lines.join('\n')}\n`);
  return rows;
}

export type { CliExit, CliProcess, GeneratedRow };
export { runCli, startCli, writeTransactions };
