import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { DeadLetterCount, IngestedFile } from '../../local-app/local-txnflow.ts';
import {
  type CliArgs,
  type CliIo,
  type OpenTxnflowOptions,
  print,
  UsageError,
  withTxnflow,
} from '../cli-context.ts';
import { createProgressBar } from '../render/progress-bar.ts';

/**
 * Exit codes of `txnflow ingest` beyond the CLI's 0 (done), 1 (failed) and 2 (usage): the
 * run finished, but a file could not be read or ingested, or a dead-letter queue holds
 * messages. Rejected rows alone are reported, not a failure of the command.
 */
const EXIT_NEEDS_ATTENTION = 3;

/** What the CLI prints per file: `ingested`, or why it was not. */
type FileOutput =
  | {
      readonly path: string;
      readonly file: string;
      /** The version of `file` this upload created (the uploads bucket is versioned). */
      readonly versionId?: string;
      readonly status: 'ingested' | 'unreadable';
      readonly reason?: string;
      readonly accepted: number;
      readonly duplicates: number;
      readonly rejected: readonly { readonly line: number; readonly reason: string }[];
      readonly rejectsReport: string;
    }
  | {
      readonly path: string;
      readonly file: string;
      readonly versionId?: string;
      readonly status: 'unfinished';
      readonly reason: string;
    };

/** A dead-letter queue holding messages once the run settled; `fromThisRun` of them new. */
interface DeadLetterOutput {
  readonly queue: string;
  readonly messages: number;
  readonly fromThisRun: number;
}

interface IngestOutput {
  readonly files: readonly FileOutput[];
  readonly deadLetters: readonly DeadLetterOutput[];
}

function toFileOutput({ path, key, versionId, summary }: IngestedFile): FileOutput {
  const upload = { path, file: key, ...(versionId === undefined ? {} : { versionId }) };
  if (!summary) {
    const reason =
      'ingest did not finish this file (no summary was written): see the dead-letter queues';
    return { ...upload, status: 'unfinished', reason };
  }
  const counts = {
    accepted: summary.accepted,
    duplicates: summary.duplicates,
    rejected: summary.rejected,
    rejectsReport: summary.rejectsReport,
  };
  return summary.unreadable === undefined
    ? { ...upload, status: 'ingested', ...counts }
    : { ...upload, status: 'unreadable', reason: summary.unreadable, ...counts };
}

function deadLettersAfter(
  before: readonly DeadLetterCount[],
  after: readonly DeadLetterCount[],
): DeadLetterOutput[] {
  const earlier = new Map(before.map((d) => [d.queue, d.messages]));
  return after
    .filter((d) => d.messages > 0)
    .map((d) => ({
      queue: d.queue,
      messages: d.messages,
      fromThisRun: Math.max(0, d.messages - (earlier.get(d.queue) ?? 0)),
    }));
}

function renderFile(f: FileOutput): string {
  const name = f.path === f.file ? f.file : `${f.path} -> ${f.file}`;
  if (f.status === 'unfinished') return `${name}: not ingested: ${f.reason}`;
  if (f.status === 'unreadable') return `${name}: not read: ${f.reason}`;
  const head = `${name}: ${f.accepted} accepted, ${f.duplicates} duplicates, ${f.rejected.length} rejected`;
  const lines = f.rejected.map((r) => `  line ${r.line}: ${r.reason}`);
  return [head, ...lines, `  rejects report: ${f.rejectsReport} (txnflow report ${f.file})`].join(
    '\n',
  );
}

/** The lines that say what needs attention, and what to run; none when all went well. */
function attentionLines(output: IngestOutput): string[] {
  const files = output.files
    .filter((f) => f.status !== 'ingested')
    .map(
      (f) =>
        `${f.path} (${f.file}) was ${f.status === 'unreadable' ? 'not read' : 'not ingested'}: ${f.reason}`,
    );
  const queues = output.deadLetters.map(
    (d) =>
      `${d.queue} holds ${d.messages} dead-lettered message(s), ${d.fromThisRun} from this run: ` +
      `txnflow queue ${d.queue} shows them with their errors, txnflow redrive ${d.queue} tries them again`,
  );
  return [...files, ...queues];
}

/** The size of a file to ingest; a usage error naming it when it is not a readable file. */
async function sizeOfFile(file: string): Promise<number> {
  const info = await stat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new UsageError(`no such file: ${file}`);
    throw new UsageError(`cannot read ${file}: ${error.message}`, { cause: error });
  });
  if (info.isDirectory()) {
    throw new UsageError(
      `${file} is a directory, not a file: ingest takes files (${join(file, '*.txt')} names the .txt files in it)`,
    );
  }
  if (!info.isFile()) throw new UsageError(`${file} is not a regular file`);
  return info.size;
}

/**
 * `txnflow ingest FILE…`: uploads each file to the local bucket under its own key, runs
 * until idle, prints each file's summary and any dead letters, and returns the exit code:
 * 0, or {@link EXIT_NEEDS_ATTENTION} when a file was not read or ingested or a dead-letter
 * queue holds messages (the lines on stderr say which, and what to run). It waits until no
 * other process drives the state folder; `open` passes, e.g., a lock already taken.
 */
async function runIngest(args: CliArgs, io: CliIo, open: OpenTxnflowOptions = {}): Promise<number> {
  if (args.positionals.length === 0) throw new UsageError('ingest needs at least one FILE');
  const sizes = new Map<string, number>();
  for (const file of args.positionals) {
    sizes.set(file, await sizeOfFile(file));
  }
  const totals = new Map<string, number>();
  const bar = createProgressBar(io.err, totals);
  const output = await withTxnflow(
    args,
    io,
    async (txnflow): Promise<IngestOutput> => {
      const uploads = txnflow.planUploads(args.positionals);
      for (const u of uploads) totals.set(u.key, sizes.get(u.path) ?? 0);
      const before = txnflow.deadLetterCounts();
      const files = await txnflow.ingest(uploads);
      const deadLetters = deadLettersAfter(before, txnflow.deadLetterCounts());
      return { files: files.map(toFileOutput), deadLetters };
    },
    { ...open, onObjectRead: (key, bytes) => bar.update(key, bytes) },
  );
  bar.done();
  print(io, args, output, (o) => o.files.map(renderFile).join('\n'));
  const attention = attentionLines(output);
  if (attention.length === 0) return 0;
  io.err.write(`txnflow ingest: needs attention\n${attention.map((l) => `  ${l}\n`).join('')}`);
  return EXIT_NEEDS_ATTENTION;
}

export type { DeadLetterOutput, FileOutput, IngestOutput };
export { EXIT_NEEDS_ATTENTION, runIngest };
