import type { ObjectStore } from '../ports.ts';
import { renderRejectsReport, reportKeysFor } from './reports.ts';
import type { RecordedCounts, RejectedRow, UploadRef } from './row-recorder.ts';

/** The run summary: also written beside the file as `reports/<key>/<version>.summary.json`. */
interface IngestSummary {
  readonly file: string;
  readonly bucket: string;
  /** The version of `file` that was read. */
  readonly versionId: string;
  readonly correlationId: string;
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly RejectedRow[];
  readonly rejectsReport: string;
  /**
   * Why no row of the file could be read (its header is unusable, or it is empty); absent
   * when the file was read. The same reason is the rejection of line 1.
   */
  readonly unreadable?: string;
}

/**
 * Adds up what the units of an upload recorded (one unit for a whole-file run, the chunks'
 * otherwise) into the upload's summary, every rejection in line order.
 *
 * @example summaryOf(upload, [chunk0, chunk1])
 */
function summaryOf(
  upload: UploadRef,
  parts: readonly RecordedCounts[],
  unreadable?: string,
): IngestSummary {
  const rejected = parts.flatMap((p) => p.rejected).sort((a, b) => a.line - b.line);
  return {
    file: upload.key,
    bucket: upload.bucket,
    versionId: upload.versionId,
    correlationId: upload.correlationId,
    accepted: parts.reduce((n, p) => n + p.accepted, 0),
    duplicates: parts.reduce((n, p) => n + p.duplicates, 0),
    rejected,
    rejectsReport: reportKeysFor(upload.key, upload.versionId).rejects,
    ...(unreadable === undefined ? {} : { unreadable }),
  };
}

/**
 * Writes the rejects report and the summary beside the file (one pair per version, see
 * reportKeysFor), the summary last: its presence says the upload is done.
 *
 * @example await writeSummary(objects, summary);
 */
async function writeSummary(objects: ObjectStore, summary: IngestSummary): Promise<void> {
  const keys = reportKeysFor(summary.file, summary.versionId);
  await objects.write(
    summary.bucket,
    keys.rejects,
    renderRejectsReport(summary.rejected),
    'text/csv',
  );
  await objects.write(
    summary.bucket,
    keys.summary,
    `${JSON.stringify(summary, null, 2)}\n`,
    'application/json',
  );
}

export type { IngestSummary };
export { summaryOf, writeSummary };
