import { IngestError } from './parsing/errors.ts';

/** Ingest's configuration, read once at the edge (Lambda entry or local wiring). */
interface IngestConfig {
  /**
   * A file whose data is larger than this many bytes is ingested in chunks of about this
   * size, in parallel; a smaller one in one run, as before.
   */
  readonly chunkBytes: number;
}

/**
 * The default chunk size: 8 MiB, about 150,000 rows of 55 bytes, which one chunk invocation
 * records in well under its timeout (docs/benchmarks.md gives the measured time per chunk).
 */
const DEFAULT_CHUNK_BYTES = 8 * 1024 * 1024;

/** A configuration variable with a value ingest cannot use. */
class IngestConfigError extends IngestError {
  readonly variable: string;

  constructor(variable: string, message: string) {
    super(`${variable}: ${message}`);
    this.name = 'IngestConfigError';
    this.variable = variable;
  }
}

/**
 * Reads ingest's configuration: `INGEST_CHUNK_BYTES`, a whole number of bytes (at least
 * 1), default 8 MiB on AWS. The local wiring passes its own default (see local.ts).
 *
 * @example readIngestConfig(process.env).chunkBytes // 8388608
 * @throws {IngestConfigError} naming the variable and its bad value.
 */
function readIngestConfig(
  env: Readonly<Record<string, string | undefined>>,
  defaults: IngestConfig = { chunkBytes: DEFAULT_CHUNK_BYTES },
): IngestConfig {
  const text = env.INGEST_CHUNK_BYTES;
  if (text === undefined || text === '') return defaults;
  const chunkBytes = Number(text);
  if (!/^\d+$/.test(text.trim()) || !Number.isSafeInteger(chunkBytes) || chunkBytes < 1) {
    throw new IngestConfigError(
      'INGEST_CHUNK_BYTES',
      `"${text}" is not a whole number of bytes (at least 1)`,
    );
  }
  return { chunkBytes };
}

export type { IngestConfig };
export { DEFAULT_CHUNK_BYTES, IngestConfigError, readIngestConfig };
