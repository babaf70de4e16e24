import { createLocalAlertingApi } from '@txnflow/alerting';
import type { Log } from '@txnflow/contracts';
import { HttpProblem, problemDetails, problemResponse } from '@txnflow/contracts/http';
import { createLocalIngestApi } from '@txnflow/ingest';
import { createLocalLedgerApi } from '@txnflow/ledger';
import { Hono } from 'hono';
import {
  LimitExceededError,
  ResourceAlreadyExistsError,
  ResourceNotFoundError,
  ValidationError,
} from '../local/index.ts';
import type { LocalTxnflow } from '../local-app/local-txnflow.ts';
import { consolePage, consoleScript, consoleStyles } from './console/assets.ts';
import { createConsoleApi } from './console-api.ts';
import { requestGuard, securityHeaders } from './request-guard.ts';

interface ServeAppOptions {
  /** The per-run token state-changing requests must carry (see requestGuard). */
  readonly token: string;
  /** Whether a Host header is this server's (see requestGuard). */
  readonly allowsHost: (host: string) => boolean;
  /** The largest upload taken through ingest's API, in bytes. */
  readonly maxUploadBytes: number;
  readonly log: Pick<Log, 'error'>;
}

/** Where each service's API is mounted: `/api/ingest/customers`, `/api/ledger/balances`, … */
const API_ROOT = '/api';

/** The runtime's refusals of a request, with the status that says so; anything else is a 500. */
function statusOf(error: unknown): number | undefined {
  if (error instanceof ValidationError) return 400;
  if (error instanceof ResourceNotFoundError) return 404;
  if (error instanceof ResourceAlreadyExistsError) return 409;
  if (error instanceof LimitExceededError) return 429;
  return undefined;
}

/**
 * What `txnflow serve` answers on one port: the three services' APIs (each its own Hono app,
 * the one Lambda runs on AWS) under `/api/<service>`, the console's endpoints under
 * `/api/console`, and the console page at `/`. Every request passes the guard (host, and for
 * state-changing ones origin and token); a failing request is answered as a problem and
 * leaves the server up.
 *
 * @example serve({ fetch: createServeApp(txnflow, { token, allowsHost, maxUploadBytes, log }).fetch, port: 4000 });
 */
function createServeApp(txnflow: LocalTxnflow, options: ServeAppOptions): Hono {
  const { runtime } = txnflow;
  const app = new Hono();
  app.use('*', securityHeaders);
  app.use('*', requestGuard({ token: options.token, allowsHost: options.allowsHost }));
  app.route(
    `${API_ROOT}/ingest`,
    createLocalIngestApi({
      db: runtime.db,
      bucket: runtime,
      bucketName: txnflow.uploadsBucket,
      maxUploadBytes: options.maxUploadBytes,
      log: options.log,
    }),
  );
  app.route(`${API_ROOT}/ledger`, createLocalLedgerApi({ db: runtime.db, log: options.log }));
  app.route(`${API_ROOT}/alerting`, createLocalAlertingApi({ db: runtime.db, log: options.log }));
  app.route(`${API_ROOT}/console`, createConsoleApi(txnflow));
  app.get('/', (c) => c.html(consolePage(options.token, options.maxUploadBytes)));
  app.get('/console.js', (c) =>
    c.body(consoleScript, 200, { 'content-type': 'text/javascript; charset=utf-8' }),
  );
  app.get('/console.css', (c) =>
    c.body(consoleStyles, 200, { 'content-type': 'text/css; charset=utf-8' }),
  );
  app.onError((error, c) => {
    if (error instanceof HttpProblem) return problemResponse(error.toProblem());
    const status = statusOf(error);
    if (status !== undefined) {
      return problemResponse(problemDetails(status, 'refused', (error as Error).message));
    }
    options.log.error('console request failed', {
      method: c.req.method,
      path: c.req.path,
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
    return problemResponse(
      problemDetails(
        500,
        'internal',
        `${c.req.method} ${c.req.path} failed; the server log says why`,
      ),
    );
  });
  app.notFound((c) =>
    problemResponse(problemDetails(404, 'no-route', `no route ${c.req.method} ${c.req.path}`)),
  );
  return app;
}

export type { ServeAppOptions };
export { API_ROOT, createServeApp };
