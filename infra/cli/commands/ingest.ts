import { stat } from 'node:fs/promises';
import { basename } from 'node:path';
import type { IngestSummary } from '@txnflow/ingest';
import {
  type CliArgs,
  type CliIo,
  type OpenTxnflowOptions,
  print,
  UsageError,
  withTxnflow,
} from '../cli-context.ts';
import { createProgressBar } from '../render/progress-bar.ts';

/** The summary the CLI prints: what the issue's `--json` contract names, in that order. */
const toOutput = (s: IngestSummary) => ({
  file: s.file,
  accepted: s.accepted,
  duplicates: s.duplicates,
  rejected: s.rejected,
  rejectsReport: s.rejectsReport,
});

function renderSummary(summary: ReturnType<typeof toOutput>): string {
  const head = `${summary.file}: ${summary.accepted} accepted, ${summary.duplicates} duplicates, ${summary.rejected.length} rejected`;
  const lines = summary.rejected.map((r) => `  line ${r.line}: ${r.reason}`);
  return [head, ...lines, `  rejects report: ${summary.rejectsReport}`].join('\n');
}

/**
 * `txnflow ingest FILE…`: uploads each file to the local bucket and runs until idle, once
 * no other process drives the state folder. `open` passes, e.g., a lock already taken.
 */
async function runIngest(
  args: CliArgs,
  io: CliIo,
  open: OpenTxnflowOptions = {},
): Promise<IngestSummary[]> {
  if (args.positionals.length === 0) throw new UsageError('ingest needs at least one FILE');
  const sizes = new Map<string, number>();
  for (const file of args.positionals) {
    const info = await stat(file).catch(() => undefined);
    if (!info?.isFile()) throw new UsageError(`no such file: ${file}`);
    sizes.set(`incoming/${basename(file)}`, info.size);
  }
  const bar = createProgressBar(io.err, sizes);
  const summaries = await withTxnflow(
    args,
    io,
    (txnflow) => txnflow.ingestFiles(args.positionals),
    {
      ...open,
      onObjectRead: (key, bytes) => bar.update(key, bytes),
    },
  );
  bar.done();
  print(io, args, summaries.map(toOutput), (all) => all.map(renderSummary).join('\n'));
  return summaries;
}

export { renderSummary, runIngest, toOutput };
