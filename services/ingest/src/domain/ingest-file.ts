import { InvalidHeaderError } from '../parsing/errors.ts';
import { readTransactionRows } from '../parsing/read-transaction-rows.ts';
import type { ObjectStore } from '../ports.ts';
import {
  type RejectedRow,
  RowRecorder,
  type RowRecorderDeps,
  type UploadRef,
} from './row-recorder.ts';
import { type IngestSummary, summaryOf, writeSummary } from './summary.ts';

/** Which file to ingest (the object version the "Object Created" event names), and its ids. */
type IngestFileInput = UploadRef;

interface IngestFileDeps extends RowRecorderDeps {
  readonly objects: ObjectStore;
}

/**
 * Ingests one uploaded transactions file in one run.
 *
 * Input: where the file is and the ids of this run. Output: the run summary. Steps: stream
 * and parse the file; validate each row (a bad row is rejected with its line and reason,
 * and the file goes on); record rows in batches (an identical row seen before is a
 * duplicate, the same id with other data a conflict, never an overwrite); write each
 * customer once per run, or again when its address changes; publish one
 * TransactionRecorded per new row, then move the upload's watermark past the batch; write
 * the rejects report and the summary beside the file (one pair per version, see reportKeysFor).
 *
 * @example const summary = await ingestFile({ bucket, key, versionId, correlationId, causationId }, deps);
 */
async function ingestFile(input: IngestFileInput, deps: IngestFileDeps): Promise<IngestSummary> {
  const recorder = new RowRecorder(input, deps);
  let unreadable: string | undefined;
  try {
    const stream = await deps.objects.read(input.bucket, input.key, input.versionId);
    for await (const parsed of readTransactionRows(stream, input.key)) {
      if (parsed.kind === 'rejected') recorder.reject({ line: parsed.line, reason: parsed.reason });
      else await recorder.add(parsed.row);
    }
    await recorder.flush();
  } catch (error) {
    if (!(error instanceof InvalidHeaderError)) throw error;
    unreadable = error.reason;
    recorder.reject({ line: 1, reason: error.reason });
  }
  const summary = summaryOf(input, [recorder.counts()], unreadable);
  await writeSummary(deps.objects, summary);
  return summary;
}

export type { IngestFileDeps, IngestFileInput, IngestSummary, RejectedRow };
export { ingestFile };
