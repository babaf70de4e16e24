import {
  buildEvent,
  type ContractEvent,
  type EventPublisher,
  formatMoney,
} from '@txnflow/contracts';
import { InvalidHeaderError } from '../parsing/errors.ts';
import { readTransactionRows } from '../parsing/read-transaction-rows.ts';
import type { IngestStore, ObjectStore, RecordOutcome, TransactionRow } from '../ports.ts';
import { CustomerWrites } from './customer-writes.ts';
import { renderRejectsReport, reportKeysFor } from './reports.ts';

/** Which file to ingest, and the ids that tie its events together. */
interface IngestFileInput {
  readonly bucket: string;
  readonly key: string;
  /**
   * The version of the object the "Object Created" event names: the one read, even when the
   * key has been overwritten since.
   */
  readonly versionId: string;
  /**
   * One per upload (object version, see uploadIdOf): every TransactionRecorded of the upload
   * carries it, and each recorded row remembers it as the upload that recorded it.
   */
  readonly correlationId: string;
  /** The notification that caused the run (the S3 "Object Created" event id). */
  readonly causationId: string;
}

interface RejectedRow {
  readonly line: number;
  readonly reason: string;
}

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

interface IngestFileDeps {
  readonly objects: ObjectStore;
  readonly store: IngestStore;
  readonly publisher: EventPublisher;
  /** Rows recorded and published together. @default 500 */
  readonly batchSize?: number;
  /** Customers whose written address the run remembers. @default 100_000 */
  readonly rememberedCustomers?: number;
  readonly clock?: () => Date;
}

interface RunState {
  accepted: number;
  duplicates: number;
  readonly rejected: RejectedRow[];
  readonly customers: CustomerWrites;
  unreadable?: string;
}

function conflictReason(
  row: TransactionRow,
  outcome: RecordOutcome & { kind: 'conflict' },
): string {
  const was = `${formatMoney(outcome.existing.amountCents)} on ${outcome.existing.transactionDate}`;
  const now = `${formatMoney(row.amountCents)} on ${row.transactionDate}`;
  return `trn_id: conflict: ${row.transactionId} of ${row.customerId} was recorded as ${was}, this row says ${now}`;
}

/**
 * One batch: record its rows, write the customers that changed, publish the events still
 * owed, then move the upload's watermark to the batch's last line. Batches run in file
 * order, so the watermark only ever covers rows whose events went out: a crash anywhere
 * leaves it at the previous batch, and the redelivery publishes again from there.
 */
async function recordAndPublish(
  rows: readonly TransactionRow[],
  input: IngestFileInput,
  deps: IngestFileDeps,
  state: RunState,
): Promise<void> {
  const outcomes = await deps.store.recordBatch(rows, input.correlationId);
  const toPublish: TransactionRow[] = [];
  rows.forEach((row, i) => {
    const outcome = outcomes[i];
    if (outcome?.kind === 'conflict') {
      state.rejected.push({ line: row.line, reason: conflictReason(row, outcome) });
    } else if (outcome) {
      if (outcome.kind === 'accepted') state.accepted += 1;
      else state.duplicates += 1;
      // Unpublished: new now, or a crash cut an earlier run short (unless this batch has it).
      const own = toPublish.some(
        (p) => p.customerId === row.customerId && p.transactionId === row.transactionId,
      );
      if (!outcome.published && !own) toPublish.push(row);
    }
  });
  const customers = state.customers.dueFor(rows, outcomes);
  if (customers.length > 0) {
    await deps.store.putCustomers(customers);
    state.customers.remember(customers);
  }
  if (toPublish.length > 0) await deps.publisher.publish(eventsOf(toPublish, input, deps));
  const last = rows.at(-1);
  if (last) await deps.store.markPublishedThrough(input.correlationId, last.line);
}

function eventsOf(
  rows: readonly TransactionRow[],
  input: IngestFileInput,
  deps: IngestFileDeps,
): ContractEvent[] {
  const now = deps.clock?.() ?? new Date();
  return rows.map((row) =>
    buildEvent(
      'TransactionRecorded',
      {
        customerId: row.customerId,
        customerAddress: row.customerAddress,
        transactionId: row.transactionId,
        transactionDate: row.transactionDate,
        amount: formatMoney(row.amountCents),
        source: { bucket: input.bucket, key: input.key, line: row.line },
      },
      { correlationId: input.correlationId, causationId: input.causationId },
      now,
    ),
  );
}

/**
 * Ingests one uploaded transactions file.
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
  const batchSize = deps.batchSize ?? 500;
  const state: RunState = {
    accepted: 0,
    duplicates: 0,
    rejected: [],
    customers: new CustomerWrites(deps.rememberedCustomers),
  };
  try {
    let batch: TransactionRow[] = [];
    const stream = await deps.objects.read(input.bucket, input.key, input.versionId);
    for await (const parsed of readTransactionRows(stream, input.key)) {
      if (parsed.kind === 'rejected') {
        state.rejected.push({ line: parsed.line, reason: parsed.reason });
        continue;
      }
      batch.push(parsed.row);
      if (batch.length >= batchSize) {
        await recordAndPublish(batch, input, deps, state);
        batch = [];
      }
    }
    if (batch.length > 0) await recordAndPublish(batch, input, deps, state);
  } catch (error) {
    if (!(error instanceof InvalidHeaderError)) throw error;
    state.unreadable = error.reason;
    state.rejected.push({ line: 1, reason: error.reason });
  }
  return writeReports(input, deps, state);
}

async function writeReports(
  input: IngestFileInput,
  deps: IngestFileDeps,
  state: RunState,
): Promise<IngestSummary> {
  const keys = reportKeysFor(input.key, input.versionId);
  const rejected = [...state.rejected].sort((a, b) => a.line - b.line);
  const summary: IngestSummary = {
    file: input.key,
    bucket: input.bucket,
    versionId: input.versionId,
    correlationId: input.correlationId,
    accepted: state.accepted,
    duplicates: state.duplicates,
    rejected,
    rejectsReport: keys.rejects,
    ...(state.unreadable === undefined ? {} : { unreadable: state.unreadable }),
  };
  await deps.objects.write(input.bucket, keys.rejects, renderRejectsReport(rejected), 'text/csv');
  await deps.objects.write(
    input.bucket,
    keys.summary,
    `${JSON.stringify(summary, null, 2)}\n`,
    'application/json',
  );
  return summary;
}

export type { IngestFileDeps, IngestFileInput, IngestSummary, RejectedRow };
export { ingestFile };
