import { createHash } from 'node:crypto';

/**
 * Reports go under `reports/` in the same bucket, so that writing them never triggers
 * another ingest (the ingest rule ignores that prefix).
 */
const REPORTS_PREFIX = 'reports/';

/** S3 keys are at most 1024 bytes of UTF-8, report keys included. */
const MAX_KEY_BYTES = 1024;
const REJECTS_SUFFIX = '.rejects.csv';
const SUMMARY_SUFFIX = '.summary.json';
/** A version id longer than this (S3 allows up to 1024 bytes) is named by its hash. */
const MAX_VERSION_BYTES = 128;

const bytesOf = (text: string): number => Buffer.byteLength(text, 'utf8');
const hashOf = (text: string, chars: number): string =>
  createHash('sha256').update(text, 'utf8').digest('hex').slice(0, chars);

/** The longest start of `text` that fits in `bytes` of UTF-8, never cutting a character. */
function cutToBytes(text: string, bytes: number): string {
  let cut = '';
  let used = 0;
  for (const char of text) {
    used += bytesOf(char);
    if (used > bytes) break;
    cut += char;
  }
  return cut;
}

/**
 * Where the reports of one upload (one version of an object) are written:
 * `reports/<key>/<version id>.rejects.csv` and `….summary.json`. Each version has its own,
 * so a late event for an older version never overwrites the reports of a newer one. The key
 * is kept as it is, whatever its characters (S3 keys are any UTF-8); only a key too long to
 * fit in S3's 1024 bytes with the rest is cut, and its hash added so the name stays its own.
 *
 * @example reportKeysFor('incoming/t.txt', 'v1').rejects // 'reports/incoming/t.txt/v1.rejects.csv'
 */
function reportKeysFor(key: string, versionId: string): { rejects: string; summary: string } {
  const version = bytesOf(versionId) <= MAX_VERSION_BYTES ? versionId : `~${hashOf(versionId, 32)}`;
  const tail = `/${version}`;
  const room = MAX_KEY_BYTES - bytesOf(REPORTS_PREFIX) - bytesOf(tail) - bytesOf(SUMMARY_SUFFIX);
  const name = bytesOf(key) <= room ? key : `${cutToBytes(key, room - 17)}~${hashOf(key, 16)}`;
  const base = `${REPORTS_PREFIX}${name}${tail}`;
  return { rejects: `${base}${REJECTS_SUFFIX}`, summary: `${base}${SUMMARY_SUFFIX}` };
}

const csvField = (value: string): string =>
  /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;

/**
 * The rejects report: one CSV line per rejected row, `line,reason`.
 *
 * @example renderRejectsReport([{ line: 3, reason: 'trn_amount: is empty' }])
 */
function renderRejectsReport(rejected: readonly { line: number; reason: string }[]): string {
  return (
    ['line,reason', ...rejected.map((r) => `${r.line},${csvField(r.reason)}`)].join('\n') + '\n'
  );
}

export { REPORTS_PREFIX, renderRejectsReport, reportKeysFor };
