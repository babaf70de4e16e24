import { ContractError } from '../errors.ts';

/** The media type of every error an API answers with (RFC 9457). */
const PROBLEM_MEDIA_TYPE = 'application/problem+json';

/**
 * RFC 9457 problem details: what failed, for people (`title`, `detail`) and for programs
 * (`type`, `status`, and extension members such as `issues`).
 */
interface ProblemDetails {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly [extension: string]: unknown;
}

/** The kinds of problem the APIs answer with, by HTTP status. */
const PROBLEM_TITLES: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  411: 'Length Required',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  500: 'Internal Server Error',
};

/**
 * A problem's `type`: a URN naming the kind of problem, stable for programs to branch on.
 *
 * @example problemType('not-found') // 'urn:txnflow:problem:not-found'
 */
const problemType = (slug: string): string => `urn:txnflow:problem:${slug}`;

/**
 * A request an API refuses, with what and where: thrown by a route, answered as
 * `application/problem+json` with its status by the API's error handler.
 *
 * @example throw new HttpProblem(404, 'not-found', 'no customer C9');
 */
class HttpProblem extends ContractError {
  readonly status: number;
  readonly slug: string;
  readonly extensions: Readonly<Record<string, unknown>>;

  constructor(
    status: number,
    slug: string,
    detail: string,
    options: ErrorOptions & { readonly extensions?: Readonly<Record<string, unknown>> } = {},
  ) {
    super(detail, options);
    this.name = 'HttpProblem';
    this.status = status;
    this.slug = slug;
    this.extensions = options.extensions ?? {};
  }

  /** The problem details this error is answered with. */
  toProblem(): ProblemDetails {
    return problemDetails(this.status, this.slug, this.message, this.extensions);
  }
}

/**
 * Problem details for a status, a kind and a detail.
 *
 * @example problemDetails(404, 'not-found', 'no customer C9').title // 'Not Found'
 */
function problemDetails(
  status: number,
  slug: string,
  detail: string,
  extensions: Readonly<Record<string, unknown>> = {},
): ProblemDetails {
  const title = PROBLEM_TITLES[status] ?? 'Error';
  return { ...extensions, type: problemType(slug), title, status, detail };
}

/**
 * The response carrying a problem, with its status and media type.
 *
 * @example return problemResponse(problemDetails(404, 'not-found', 'no customer C9'));
 */
function problemResponse(problem: ProblemDetails): Response {
  return new Response(JSON.stringify(problem), {
    status: problem.status,
    headers: { 'content-type': PROBLEM_MEDIA_TYPE },
  });
}

export type { ProblemDetails };
export {
  HttpProblem,
  PROBLEM_MEDIA_TYPE,
  PROBLEM_TITLES,
  problemDetails,
  problemResponse,
  problemType,
};
