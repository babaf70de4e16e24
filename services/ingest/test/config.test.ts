import { describe, expect, it } from 'vitest';
import { DEFAULT_CHUNK_BYTES, IngestConfigError, readIngestConfig } from '../src/config.ts';

describe('Function: readIngestConfig', () => {
  it('cuts files in 8 MiB chunks unless INGEST_CHUNK_BYTES says otherwise', () => {
    expect(readIngestConfig({}).chunkBytes).toBe(DEFAULT_CHUNK_BYTES);
    expect(DEFAULT_CHUNK_BYTES).toBe(8 * 1024 * 1024);
    expect(readIngestConfig({ INGEST_CHUNK_BYTES: '1024' }).chunkBytes).toBe(1024);
  });

  it("takes the caller's default when INGEST_CHUNK_BYTES is not set (the local wiring's: no chunks)", () => {
    const local = { chunkBytes: Number.MAX_SAFE_INTEGER };

    expect(readIngestConfig({}, local)).toBe(local);
    expect(readIngestConfig({ INGEST_CHUNK_BYTES: '' }, local)).toBe(local);
    expect(readIngestConfig({ INGEST_CHUNK_BYTES: '4096' }, local).chunkBytes).toBe(4096);
  });

  it.each(['0', '-5', '1.5', '8MiB', '1e6'])(
    'refuses INGEST_CHUNK_BYTES=%s, naming it',
    (value) => {
      const reading = () => readIngestConfig({ INGEST_CHUNK_BYTES: value });

      expect(reading).toThrowError(IngestConfigError);
      expect(reading).toThrowError(`INGEST_CHUNK_BYTES: "${value}" is not a whole number of bytes`);
    },
  );
});
