import type { IngestReport } from '../../local-app/ingest-reports.ts';
import { type CliArgs, type CliIo, print, UsageError, withTxnflow } from '../cli-context.ts';

function renderReport(r: IngestReport): string {
  const { summary } = r;
  const counts = `${summary.accepted} accepted, ${summary.duplicates} duplicates, ${summary.rejected.length} rejected`;
  const lines = [
    `${r.file} (version ${r.versionId}), ingested ${r.ingestedAt}: ${counts}`,
    ...(summary.unreadable === undefined ? [] : [`not read: ${summary.unreadable}`]),
    '',
    `summary         ${r.reports.summary.key}`,
    `  on disk       ${r.reports.summary.path}`,
    `rejects report  ${r.reports.rejects.key}`,
    `  on disk       ${r.reports.rejects.path}`,
    '',
    'rejects report:',
    r.rejectsCsv.trimEnd(),
  ];
  if (r.otherUploads.length > 0) {
    lines.push(
      '',
      `other uploads of this name (txnflow report KEY shows one): ${r.otherUploads.join(', ')}`,
    );
  }
  return lines.join('\n');
}

/**
 * `txnflow report FILE`: the summary and rejects report of the latest ingest of FILE (a path
 * given to `txnflow ingest`, a file name, or the upload's bucket key), with where both are on
 * disk. Read only.
 */
async function runReport(args: CliArgs, io: CliIo): Promise<void> {
  const file = args.positionals[0];
  if (!file)
    throw new UsageError('report needs a FILE: txnflow report sample-data/transactions.txt');
  const report = await withTxnflow(args, io, (txnflow) => txnflow.ingestReport(file), {
    readOnly: true,
  });
  print(io, args, report, renderReport);
}

export { runReport };
