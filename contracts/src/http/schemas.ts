import { z } from '@hono/zod-openapi';

/** The ids txnflow keeps (customer and transaction ids): what ingest accepts in a file. */
const RECORD_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** A listing's page size when a request names none, and the most it may ask for. */
const DEFAULT_PAGE_LIMIT = 50;
const MAX_PAGE_LIMIT = 100;

/**
 * An amount as on the bus: a decimal string with exactly two fraction digits.
 *
 * @example MoneySchema.parse('1750.00')
 */
const MoneySchema = z
  .string()
  .regex(/^-?\d{1,13}\.\d{2}$/)
  .openapi({
    description: 'Money: a decimal string with exactly 2 fraction digits',
    example: '1750.00',
  });

/**
 * A path parameter holding a record id (`C2`, `T1008`).
 *
 * @example z.object({ id: recordIdParam('id', 'C2') })
 */
function recordIdParam(name: string, example: string) {
  return z
    .string()
    .regex(RECORD_ID, 'an id: letters, digits, . _ -, at most 64, starting with a letter or digit')
    .openapi({ param: { name, in: 'path' }, example });
}

/** `?limit=&cursor=` of every listing. */
const PageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(MAX_PAGE_LIMIT)
    .default(DEFAULT_PAGE_LIMIT)
    .openapi({
      param: { name: 'limit', in: 'query' },
      description: `Items per page, 1 to ${MAX_PAGE_LIMIT}`,
      example: 20,
    }),
  cursor: z
    .string()
    .max(512)
    .optional()
    .openapi({
      param: { name: 'cursor', in: 'query' },
      description: "The previous page's nextCursor; absent for the first page",
    }),
});

/**
 * A page of a listing: its items, and the cursor of the next page when more follow.
 *
 * @example pageSchema(CustomerSchema, 'CustomerPage')
 */
function pageSchema<T extends z.ZodType>(item: T, name: string) {
  return z
    .object({
      items: z.array(item),
      nextCursor: z
        .string()
        .optional()
        .openapi({ description: 'Pass as ?cursor= for the next page; absent on the last page' }),
    })
    .openapi(name);
}

/** An RFC 9457 problem, as every error is answered. */
const ProblemSchema = z
  .object({
    type: z.string().openapi({ example: 'urn:txnflow:problem:not-found' }),
    title: z.string().openapi({ example: 'Not Found' }),
    status: z.number().int().openapi({ example: 404 }),
    detail: z.string().openapi({ example: 'no customer C9' }),
  })
  .catchall(z.unknown())
  .openapi('Problem');

/**
 * The documented error responses of a route, each `application/problem+json`.
 *
 * @example responses: { 200: ..., ...problemResponses(400, 404) }
 */
function problemResponses<const S extends readonly number[]>(...statuses: S) {
  const described: Record<number, ProblemResponse> = {};
  for (const status of statuses) {
    described[status] = {
      description: `a problem (RFC 9457), status ${status}`,
      content: { 'application/problem+json': { schema: ProblemSchema } },
    };
  }
  return described as { [K in S[number]]: ProblemResponse };
}

interface ProblemResponse {
  description: string;
  content: { 'application/problem+json': { schema: typeof ProblemSchema } };
}

export {
  DEFAULT_PAGE_LIMIT,
  MAX_PAGE_LIMIT,
  MoneySchema,
  PageQuerySchema,
  ProblemSchema,
  pageSchema,
  problemResponses,
  RECORD_ID,
  recordIdParam,
};
