export {
  decodeCursor,
  encodeCursor,
  MAX_CURSOR_LENGTH,
  nextCursorOf,
  pageRequestOf,
} from './cursor.ts';
export type { ProblemDetails } from './problem.ts';
export {
  HttpProblem,
  PROBLEM_MEDIA_TYPE,
  problemDetails,
  problemResponse,
  problemType,
} from './problem.ts';
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
} from './schemas.ts';
export type { ServiceApiInfo } from './service-api.ts';
export { createServiceApi, OPENAPI_PATH } from './service-api.ts';
