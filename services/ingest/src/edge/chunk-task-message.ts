import type { ValidationIssue } from '@txnflow/contracts';
import Ajv, { type ErrorObject } from 'ajv';
import {
  CHUNK_TASK_SOURCE,
  CHUNK_TASK_TYPE,
  type ChunkTask,
  type ChunkTaskMessage,
} from '../domain/chunk-tasks.ts';

type ChunkTaskRead =
  | { readonly ok: true; readonly task: ChunkTask }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

const count = { type: 'integer', minimum: 0 } as const;
const text = { type: 'string', minLength: 1 } as const;

const UPLOAD_SCHEMA = {
  type: 'object',
  required: [
    'bucket',
    'key',
    'versionId',
    'correlationId',
    'causationId',
    'size',
    'segmentBytes',
    'header',
  ],
  properties: {
    bucket: text,
    key: text,
    versionId: text,
    correlationId: text,
    causationId: text,
    size: count,
    segmentBytes: { type: 'integer', minimum: 1 },
    header: {
      type: 'object',
      required: ['text', 'line', 'delimiter', 'dataStart', 'lineEnd'],
      properties: {
        text,
        line: text,
        delimiter: { enum: ['|', ','] },
        dataStart: count,
        lineEnd: { enum: ['lf', 'crlf'] },
      },
    },
  },
} as const;

const CHUNK_SCHEMA = {
  type: 'object',
  required: ['index', 'start', 'end', 'firstLine'],
  properties: {
    index: count,
    start: count,
    end: count,
    firstLine: { type: 'integer', minimum: 2 },
  },
} as const;

const taskOf = (
  kind: string,
  required: readonly string[],
  properties: Record<string, unknown>,
) => ({
  type: 'object',
  required: ['kind', 'upload', ...required],
  properties: { kind: { const: kind }, upload: UPLOAD_SCHEMA, ...properties },
});

/** The tasks the chunk queue carries (see chunk-tasks.ts), as JSON Schema. */
const TASK_SCHEMA = {
  type: 'object',
  required: ['kind'],
  properties: { kind: { enum: ['scan', 'keys', 'record', 'tail'] } },
  oneOf: [
    taskOf('scan', ['segment'], { segment: count }),
    taskOf('keys', ['chunk', 'chunks'], { chunk: CHUNK_SCHEMA, chunks: count }),
    taskOf('record', ['chunk', 'chunks'], { chunk: CHUNK_SCHEMA, chunks: count }),
    taskOf('tail', ['chunks', 'deferredIn', 'next'], {
      chunks: count,
      deferredIn: { type: 'array', minItems: 1, items: count },
      next: count,
    }),
  ],
};

/** A chunk queue message: the task in its envelope (see ChunkTaskMessage). */
const CHUNK_TASK_SCHEMA = {
  type: 'object',
  required: ['source', 'detail-type', 'detail'],
  properties: {
    source: { const: CHUNK_TASK_SOURCE },
    'detail-type': { const: CHUNK_TASK_TYPE },
    detail: TASK_SCHEMA,
  },
};

// Compiled once at module load.
const validateChunkTask = new Ajv({ allErrors: true, strict: true }).compile<unknown>(
  CHUNK_TASK_SCHEMA,
);

const toIssue = (error: ErrorObject): ValidationIssue => ({
  path: error.instancePath,
  message:
    error.keyword === 'required'
      ? `${String((error.params as { missingProperty: string }).missingProperty)} is required`
      : (error.message ?? error.keyword),
});

/**
 * Reads a chunk queue message: a task, or every issue with it (for the dead-letter reason).
 * Only ingest sends these messages; one that does not read is a bug or a stray message, and
 * retrying cannot fix it.
 *
 * @example const read = readChunkTask(record.body); if (read.ok) await runChunkTask(read.task, deps);
 */
function readChunkTask(body: string): ChunkTaskRead {
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch (error) {
    return {
      ok: false,
      issues: [{ path: '', message: `is not JSON: ${(error as Error).message}` }],
    };
  }
  if (!validateChunkTask(value)) {
    // oneOf reports every branch's complaints; the one for the task's own kind is what matters.
    const kind = (value as { detail?: { kind?: unknown } } | null)?.detail?.kind;
    const errors = (validateChunkTask.errors ?? []).filter(
      (e) => e.keyword !== 'oneOf' && !(e.keyword === 'const' && e.instancePath === '/detail/kind'),
    );
    const own = errors.filter((e) => branchOf(e) === undefined || branchOf(e) === kind);
    return { ok: false, issues: (own.length > 0 ? own : errors).map(toIssue) };
  }
  return { ok: true, task: (value as ChunkTaskMessage).detail };
}

const KINDS = ['scan', 'keys', 'record', 'tail'];
/** The task kind of the oneOf branch an error is about, if any. */
const branchOf = (error: ErrorObject): string | undefined => {
  const branch = /\/oneOf\/(\d+)\//.exec(error.schemaPath)?.[1];
  return branch === undefined ? undefined : KINDS[Number(branch)];
};

export type { ChunkTaskRead };
export { CHUNK_TASK_SCHEMA, readChunkTask };
