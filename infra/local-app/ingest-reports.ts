import { basename, extname } from 'node:path';
import { type IngestSummary, REPORTS_PREFIX } from '@txnflow/ingest';
import type { LocalRuntime, ObjectSummary } from '../local/index.ts';
import { NoIngestReportError } from './errors.ts';
import { UPLOADS_PREFIX } from './upload-keys.ts';

const SUMMARY_SUFFIX = '.summary.json';

/** The reports of one ingest, as `txnflow report FILE` shows them. */
interface IngestReport {
  /** The uploaded object's key, and the version that ingest read. */
  readonly file: string;
  readonly versionId: string;
  /** When ingest wrote the summary. */
  readonly ingestedAt: string;
  readonly summary: IngestSummary;
  /** The rejects report as ingest wrote it: `line,reason`, one line per rejected row. */
  readonly rejectsCsv: string;
  /** Where the two reports are, in the bucket and on disk (the local bucket's files). */
  readonly reports: {
    readonly summary: { readonly key: string; readonly path: string };
    readonly rejects: { readonly key: string; readonly path: string };
  };
  /** The other uploads the name matched: `txnflow report KEY` shows one of them. */
  readonly otherUploads: readonly string[];
}

/**
 * The upload keys a FILE argument names: the key itself when the bucket holds it, otherwise
 * every key the CLI gives a file of that name (`incoming/x.txt`, `incoming/x-2.txt`, …).
 */
function uploadsNamed(file: string, uploads: readonly ObjectSummary[]): string[] {
  if (uploads.some((o) => o.key === file)) return [file];
  const name = basename(file);
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  return uploads
    .map((o) => o.key)
    .filter((key) => {
      if (!key.startsWith(UPLOADS_PREFIX)) return false;
      const rest = key.slice(UPLOADS_PREFIX.length);
      if (rest === name) return true;
      if (!rest.startsWith(stem) || !rest.endsWith(ext)) return false;
      return /^-\d+$/.test(rest.slice(stem.length, rest.length - ext.length));
    });
}

async function readText(runtime: LocalRuntime, bucket: string, key: string): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of runtime.getObject({ bucket, key })) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

/**
 * The reports of the latest ingest of an uploaded file, named by its bucket key or by its
 * file name (a path given to `txnflow ingest`): the summary, the rejects report, and where
 * both are in the bucket and on disk.
 *
 * @example const report = await latestIngestReport(runtime, 'txnflow-ingest-uploads', 'sample-data/transactions.txt');
 * @throws {NoIngestReportError} when no upload matches, or none of them was ingested to the end.
 */
async function latestIngestReport(
  runtime: LocalRuntime,
  bucket: string,
  file: string,
): Promise<IngestReport> {
  const keys = uploadsNamed(file, runtime.listObjects({ bucket }));
  const summaries = keys.flatMap((key) =>
    runtime
      .listObjects({ bucket, prefix: `${REPORTS_PREFIX}${key}/` })
      .filter((o) => o.key.endsWith(SUMMARY_SUFFIX))
      .map((o) => ({ upload: key, object: o })),
  );
  const latest = summaries.reduce<(typeof summaries)[number] | undefined>(
    (best, s) =>
      !best || s.object.lastModified.getTime() >= best.object.lastModified.getTime() ? s : best,
    undefined,
  );
  if (!latest) throw new NoIngestReportError(file, keys);
  const summary = JSON.parse(await readText(runtime, bucket, latest.object.key)) as IngestSummary;
  const rejects = summary.rejectsReport;
  return {
    file: summary.file,
    versionId: summary.versionId,
    ingestedAt: latest.object.lastModified.toISOString(),
    summary,
    rejectsCsv: await readText(runtime, bucket, rejects),
    reports: {
      summary: {
        key: latest.object.key,
        path: runtime.objectPath({ bucket, key: latest.object.key }),
      },
      rejects: { key: rejects, path: runtime.objectPath({ bucket, key: rejects }) },
    },
    otherUploads: keys.filter((key) => key !== latest.upload),
  };
}

export type { IngestReport };
export { latestIngestReport };
