import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import type { Log } from '@txnflow/contracts';
import type { LocalTxnflow } from '../local-app/local-txnflow.ts';
import { createServeApp } from './serve-app.ts';

/** Where `txnflow serve` listens unless told otherwise: this machine only. */
const DEFAULT_HOST = '127.0.0.1';
const DEFAULT_PORT = 4000;
/** The largest upload taken through the console or ingest's API. */
const DEFAULT_MAX_UPLOAD_BYTES = 64 * 1024 * 1024;

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

interface StartServerOptions {
  readonly txnflow: LocalTxnflow;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** 0 picks a free port. @default 4000 */
  readonly port?: number;
  /** @default 64 MiB */
  readonly maxUploadBytes?: number;
  readonly log: Pick<Log, 'error'>;
}

/** A running server: where it is, and how to stop it. */
interface RunningServer {
  /** `http://127.0.0.1:4000/` */
  readonly url: string;
  /** The per-run token its console page carries (tests read it; nothing prints it). */
  readonly token: string;
  close(): Promise<void>;
}

/** The Host headers a loopback server answers: its own names on its port, nothing else. */
function loopbackHosts(host: string, port: number): ReadonlySet<string> | undefined {
  if (!LOOPBACK.has(host)) return undefined;
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`]);
}

/**
 * Starts the console and the three APIs on one port of `host` (127.0.0.1 unless told
 * otherwise), with a fresh per-run token. The Host check needs the port, so it is armed
 * once the server listens; a request cannot arrive before.
 *
 * @example const server = await startServer({ txnflow, port: 0, log }); console.log(server.url);
 */
async function startServer(options: StartServerOptions): Promise<RunningServer> {
  const host = options.host ?? DEFAULT_HOST;
  const token = randomBytes(24).toString('base64url');
  // Nothing is answered before the server listens and knows its port.
  let hosts: ReadonlySet<string> | undefined = new Set();
  const app = createServeApp(options.txnflow, {
    token,
    allowsHost: (h) => hosts === undefined || hosts.has(h),
    maxUploadBytes: options.maxUploadBytes ?? DEFAULT_MAX_UPLOAD_BYTES,
    log: options.log,
  });
  const server = await new Promise<ReturnType<typeof serve>>((resolve, reject) => {
    const started = serve(
      { fetch: app.fetch, hostname: host, port: options.port ?? DEFAULT_PORT },
      () => resolve(started),
    );
    started.once('error', reject);
  });
  const { port } = server.address() as AddressInfo;
  hosts = loopbackHosts(host, port);
  const shown = host.includes(':') ? `[${host}]` : host;
  return {
    url: `http://${shown}:${port}/`,
    token,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Open event streams would hold close() forever.
        (server as { closeAllConnections?: () => void }).closeAllConnections?.();
      }),
  };
}

export type { RunningServer, StartServerOptions };
export { DEFAULT_HOST, DEFAULT_MAX_UPLOAD_BYTES, DEFAULT_PORT, startServer };
