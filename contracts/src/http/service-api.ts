import { OpenAPIHono } from '@hono/zod-openapi';
import type { Context } from 'hono';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import type { Log } from '../log.ts';
import { HttpProblem, type ProblemDetails, problemDetails, problemResponse } from './problem.ts';

/** What a service's API says about itself in its OpenAPI document. */
interface ServiceApiInfo {
  /** `ingest`, `ledger`, `alerting`. */
  readonly service: string;
  readonly title: string;
  readonly version: string;
  readonly description: string;
}

/** Where the OpenAPI document of an API is served, relative to the API's root. */
const OPENAPI_PATH = '/openapi.json';

/** Each failing place of a request: where (`query.limit`, `param.id`) and what is wrong. */
function issuesOf(error: ZodError, target: string) {
  return error.issues.map((issue) => ({
    where: [target, ...issue.path.map(String)].join('.'),
    message: issue.message,
  }));
}

function invalidRequest(error: ZodError, target: string): ProblemDetails {
  const issues = issuesOf(error, target);
  const detail = issues.map((i) => `${i.where}: ${i.message}`).join('; ');
  return problemDetails(400, 'invalid-request', detail, { issues });
}

/**
 * The problem an error is answered with: an HttpProblem as it says, Hono's own refusals
 * (a body too large, say) with their status, anything else as 500 without its message,
 * logged with it, since an unexpected error may carry what a caller must not see.
 */
function problemOf(error: unknown, c: Context, log: Pick<Log, 'error'>): ProblemDetails {
  if (error instanceof HttpProblem) return error.toProblem();
  if (error instanceof HTTPException) {
    return problemDetails(error.status, 'refused', error.message || `refused ${c.req.path}`);
  }
  log.error('API request failed', {
    method: c.req.method,
    path: c.req.path,
    error: error instanceof Error ? (error.stack ?? error.message) : String(error),
  });
  return problemDetails(500, 'internal', `${c.req.method} ${c.req.path} failed; the log says why`);
}

/**
 * A service's API, answering every error as `application/problem+json`: a request that
 * fails its route's schema (400, naming each failing place), an unknown route (404), a
 * thrown {@link HttpProblem} (its status), anything else (500, logged). Its OpenAPI
 * document, generated from the routes, is served at `/openapi.json`.
 *
 * @example const app = createServiceApi(info, log); app.openapi(listCustomers, handler);
 */
function createServiceApi(info: ServiceApiInfo, log: Pick<Log, 'error'>): OpenAPIHono {
  const app = new OpenAPIHono({
    defaultHook: (result) => {
      if (!result.success) return problemResponse(invalidRequest(result.error, result.target));
      return undefined;
    },
  });
  app.onError((error, c) => problemResponse(problemOf(error, c, log)));
  app.notFound((c) =>
    problemResponse(
      problemDetails(404, 'no-route', `${info.service} has no route ${c.req.method} ${c.req.path}`),
    ),
  );
  app.doc31(OPENAPI_PATH, {
    openapi: '3.1.0',
    info: { title: info.title, version: info.version, description: info.description },
  });
  return app;
}

export type { ServiceApiInfo };
export { createServiceApi, OPENAPI_PATH };
