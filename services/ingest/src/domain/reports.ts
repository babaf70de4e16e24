/**
 * Reports go under `reports/` in the same bucket, so that writing them never triggers
 * another ingest (the ingest rule ignores that prefix).
 */
const REPORTS_PREFIX = 'reports/';

/**
 * Where the reports of an ingested file are written.
 *
 * @example reportKeysFor('incoming/t.txt').rejects // 'reports/incoming/t.txt.rejects.csv'
 */
function reportKeysFor(key: string): { rejects: string; summary: string } {
  return {
    rejects: `${REPORTS_PREFIX}${key}.rejects.csv`,
    summary: `${REPORTS_PREFIX}${key}.summary.json`,
  };
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
