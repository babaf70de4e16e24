import { describe, expect, it } from 'vitest';
import { reportKeysFor } from '../../src/domain/reports.ts';

const bytes = (text: string): number => Buffer.byteLength(text, 'utf8');

describe('Function: reportKeysFor', () => {
  it('puts the reports of a version under reports/<key>/<version id>', () => {
    expect(reportKeysFor('incoming/t.txt', 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e')).toEqual({
      rejects: 'reports/incoming/t.txt/IYV3p45BT0ac8hjHg1houSdS1a.Mro8e.rejects.csv',
      summary: 'reports/incoming/t.txt/IYV3p45BT0ac8hjHg1houSdS1a.Mro8e.summary.json',
    });
  });

  it('keeps spaces, plus and percent signs and non-ASCII letters of the key as they are', () => {
    expect(reportKeysFor('incoming/my file+1 100% é.txt', 'v1').rejects).toBe(
      'reports/incoming/my file+1 100% é.txt/v1.rejects.csv',
    );
  });

  it('cuts a key too long for S3 with its reports, keeping them within 1024 bytes and apart', () => {
    const stem = `incoming/${'é'.repeat(505)}`; // 1019 bytes: a valid key, too long with a report
    const a = reportKeysFor(`${stem}a`, 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e');
    const b = reportKeysFor(`${stem}b`, 'IYV3p45BT0ac8hjHg1houSdS1a.Mro8e');

    for (const key of [a.rejects, a.summary, b.rejects, b.summary]) {
      expect(bytes(key)).toBeLessThanOrEqual(1024);
      expect(key).not.toContain('\uFFFD');
    }
    expect(a.summary).not.toBe(b.summary);
    expect(a.summary).toMatch(
      /^reports\/incoming\/é+~[0-9a-f]{16}\/IYV3p45BT0ac8hjHg1houSdS1a\.Mro8e\.summary\.json$/,
    );
  });

  it('names a version id longer than 128 bytes by its hash', () => {
    const keys = reportKeysFor('incoming/t.txt', 'v'.repeat(1024));

    expect(keys.summary).toMatch(/^reports\/incoming\/t\.txt\/~[0-9a-f]{32}\.summary\.json$/);
  });
});
