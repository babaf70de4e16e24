import { describe, expect, it } from 'vitest';
import { uploadIdOf } from '../../src/domain/upload-id.ts';

const version = { bucket: 'uploads', key: 'incoming/a.txt', versionId: 'v1' };

describe('Function: uploadIdOf', () => {
  it('gives every delivery of one object version the same id, shaped as a UUID (version 8)', () => {
    expect(uploadIdOf(version)).toBe(uploadIdOf({ ...version }));
    expect(uploadIdOf(version)).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it('gives another version, key or bucket another id', () => {
    const ids = [
      version,
      { ...version, versionId: 'v2' },
      { ...version, key: 'incoming/b.txt' },
      { ...version, bucket: 'other' },
      // Parts are kept apart: moving a character across them is another upload.
      { bucket: 'uploads', key: 'incoming/a.txtv', versionId: '1' },
    ].map(uploadIdOf);

    expect(new Set(ids).size).toBe(ids.length);
  });
});
