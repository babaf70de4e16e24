import { resolve } from 'node:path';
import { DEFAULT_HOST, DEFAULT_PORT, startServer } from '../../serve/server.ts';
import { type CliArgs, type CliIo, print, UsageError, withTxnflow } from '../cli-context.ts';

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1']);

function parsePort(value: string | undefined): number {
  if (value === undefined) return DEFAULT_PORT;
  const port = Number(value);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new UsageError(`--port: "${value}" is not a port (0 to 65535; 0 picks a free one)`);
  }
  return port;
}

function parseMaxUpload(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const mb = Number(value);
  if (!Number.isFinite(mb) || mb <= 0 || mb > 4096) {
    throw new UsageError(`--max-upload-mb: "${value}" is not a size in MB (up to 4096)`);
  }
  return Math.round(mb * 1024 * 1024);
}

/** Resolves on the first SIGINT or SIGTERM. */
const untilStopped = () =>
  new Promise<void>((done) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      done();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });

/**
 * `txnflow serve [--port N] [--host H] [--max-upload-mb N]`: drives the state folder (the
 * pipeline runs while it serves) and serves the console and the three services' APIs on one
 * port of 127.0.0.1, until Ctrl-C. Prints the address.
 */
async function runServe(args: CliArgs, io: CliIo): Promise<void> {
  const host = args.host ?? DEFAULT_HOST;
  const port = parsePort(args.port);
  const maxUploadBytes = parseMaxUpload(args.maxUploadMb);
  if (!LOOPBACK.has(host)) {
    io.err.write(
      `txnflow serve: listening on ${host}, not only this machine: anyone who reaches it can read the state (state-changing requests still need the page's token)\n`,
    );
  }
  await withTxnflow(args, io, async (txnflow) => {
    const server = await startServer({
      txnflow,
      host,
      port,
      ...(maxUploadBytes === undefined ? {} : { maxUploadBytes }),
      log: { error: (message, extra) => io.err.write(`${message} ${JSON.stringify(extra)}\n`) },
    });
    print(
      io,
      args,
      { url: server.url, state: resolve(args.stateDir) },
      (s) => `txnflow serve: console and APIs at ${s.url} (state ${s.state}; Ctrl-C stops)`,
    );
    await untilStopped();
    await server.close();
  });
}

export { runServe };
