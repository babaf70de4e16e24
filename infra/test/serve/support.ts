import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalTxnflow, type OpenLocalTxnflowOptions } from '../../local-app/local-txnflow.ts';
import { type RunningServer, startServer } from '../../serve/server.ts';

/** The sample file of the README: C1 ends at 907.55, C2 at 1750.00 with one alert. */
const SAMPLE = new URL('../../../sample-data/transactions.txt', import.meta.url).pathname;

/** `txnflow serve` in this process on a fresh state folder and a free port of 127.0.0.1. */
interface ServedTxnflow {
  readonly txnflow: LocalTxnflow;
  readonly server: RunningServer;
  readonly stateDir: string;
  readonly errors: unknown[];
  /** A state-changing request as the console page sends it: its origin and token. */
  post(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

async function serveTxnflow(
  options: Partial<OpenLocalTxnflowOptions> & { maxUploadBytes?: number; stateDir?: string } = {},
): Promise<ServedTxnflow> {
  const dir = options.stateDir ? undefined : await mkdtemp(join(tmpdir(), 'txnflow-serve-'));
  const stateDir = options.stateDir ?? join(dir as string, 'state');
  const txnflow = LocalTxnflow.open({ ...options, stateDir });
  const errors: unknown[] = [];
  const server = await startServer({
    txnflow,
    port: 0,
    ...(options.maxUploadBytes ? { maxUploadBytes: options.maxUploadBytes } : {}),
    log: { error: (_message, extra) => errors.push(extra) },
  });
  const origin = server.url.replace(/\/$/, '');
  return {
    txnflow,
    server,
    stateDir,
    errors,
    post: (path, init = {}) =>
      fetch(`${origin}${path}`, {
        method: 'POST',
        ...init,
        headers: { origin, 'x-txnflow-token': server.token, ...(init.headers ?? {}) },
      }),
    async stop() {
      await server.close();
      txnflow.close();
      if (dir) await rm(dir, { recursive: true, force: true });
    },
  };
}

export type { ServedTxnflow };
export { SAMPLE, serveTxnflow };
