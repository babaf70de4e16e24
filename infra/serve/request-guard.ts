import { timingSafeEqual } from 'node:crypto';
import { problemDetails, problemResponse } from '@txnflow/contracts/http';
import type { MiddlewareHandler } from 'hono';

/** The header a state-changing request carries the per-run token in. */
const TOKEN_HEADER = 'x-txnflow-token';

/** Methods that change nothing: they need neither the token nor a same-origin Origin. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

interface RequestGuardOptions {
  /** The per-run token: random, printed nowhere but in the console page it serves. */
  readonly token: string;
  /**
   * Whether the server answers this Host header (`127.0.0.1:4000`, `localhost:4000`): that
   * keeps a rebinding DNS name from reaching a loopback server.
   */
  readonly allowsHost: (host: string) => boolean;
}

const forbidden = (slug: string, detail: string) =>
  problemResponse(problemDetails(403, slug, detail));

function sameToken(given: string | undefined, token: string): boolean {
  if (given === undefined) return false;
  const [a, b] = [Buffer.from(given), Buffer.from(token)];
  return a.length === b.length && timingSafeEqual(a, b);
}

/**
 * Refuses what a page of another site could make a browser send: a request for a Host the
 * server is not (DNS rebinding), and a state-changing request (upload, replay, redrive,
 * reset) unless its `Origin` is this server's own and it carries the per-run token, which
 * only the console page holds (another site can neither read that page nor set the header
 * without a CORS preflight, which this server never grants).
 *
 * @example app.use('*', requestGuard({ token, allowsHost: (h) => h === '127.0.0.1:4000' }));
 */
function requestGuard(options: RequestGuardOptions): MiddlewareHandler {
  return async (c, next) => {
    const host = c.req.header('host') ?? '';
    if (!options.allowsHost(host)) {
      return forbidden('bad-host', `this server does not answer for host "${host.slice(0, 100)}"`);
    }
    if (SAFE_METHODS.has(c.req.method)) return next();
    const origin = c.req.header('origin');
    if (origin !== `http://${host}`) {
      return forbidden(
        'cross-origin',
        `${c.req.method} ${c.req.path} needs the Origin of this server (http://${host}), not ${origin ?? 'none'}`,
      );
    }
    if (!sameToken(c.req.header(TOKEN_HEADER), options.token)) {
      return forbidden(
        'bad-token',
        `${c.req.method} ${c.req.path} needs this run's token in ${TOKEN_HEADER} (the console page has it)`,
      );
    }
    return next();
  };
}

/**
 * Headers every answer carries: the page loads only its own scripts and styles, cannot be
 * framed, and leaks no referrer; nothing is cached (it is live state).
 */
const securityHeaders: MiddlewareHandler = async (c, next) => {
  await next();
  c.header(
    'content-security-policy',
    "default-src 'self'; img-src 'self' data:; script-src 'self'; style-src 'self'; " +
      "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
  );
  c.header('x-content-type-options', 'nosniff');
  c.header('referrer-policy', 'no-referrer');
  c.header('cache-control', 'no-store');
};

export type { RequestGuardOptions };
export { requestGuard, SAFE_METHODS, securityHeaders, TOKEN_HEADER };
