import {
  buildEvent,
  type ContractEvent,
  type EventPublisher,
  formatMoney,
} from '@txnflow/contracts';
import type { IngestStore, RecordOutcome, TransactionRow } from '../ports.ts';
import { CustomerWrites } from './customer-writes.ts';

/** The upload whose rows are recorded, and the ids its events carry. */
interface UploadRef {
  readonly bucket: string;
  readonly key: string;
  /** The object version read: the upload. */
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

/** What recording some rows of an upload came to. */
interface RecordedCounts {
  readonly accepted: number;
  readonly duplicates: number;
  readonly rejected: readonly RejectedRow[];
}

interface RowRecorderDeps {
  readonly store: IngestStore;
  readonly publisher: EventPublisher;
  /** Rows recorded and published together. @default 500 */
  readonly batchSize?: number;
  /** Customers whose written address the run remembers. @default 100_000 */
  readonly rememberedCustomers?: number;
  readonly clock?: () => Date;
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
 * Records one unit of an upload, its rows given in line order: the whole file, or one chunk of
 * it (`unit` names it). Rows go in batches: record them, write the customers that changed,
 * publish the events still owed, then move the unit's watermark to the batch's last line.
 * Batches run in line order, so the watermark only ever covers rows whose events went out: a
 * crash anywhere leaves it at the previous batch, and the next run publishes again from there.
 *
 * @example const recorder = new RowRecorder(upload, deps); await recorder.add(row); await recorder.flush();
 */
class RowRecorder {
  readonly #upload: UploadRef;
  readonly #unit: string | undefined;
  readonly #deps: RowRecorderDeps;
  readonly #batchSize: number;
  readonly #customers: CustomerWrites;
  #batch: TransactionRow[] = [];
  #accepted = 0;
  #duplicates = 0;
  readonly #rejected: RejectedRow[] = [];

  constructor(upload: UploadRef, deps: RowRecorderDeps, unit?: string) {
    this.#upload = upload;
    this.#unit = unit;
    this.#deps = deps;
    this.#batchSize = deps.batchSize ?? 500;
    this.#customers = new CustomerWrites(deps.rememberedCustomers);
  }

  /** The next row of the unit; records a batch once one is full. */
  async add(row: TransactionRow): Promise<void> {
    this.#batch.push(row);
    if (this.#batch.length >= this.#batchSize) await this.flush();
  }

  /** A line that is not a row (the parser or validation rejected it). */
  reject(rejected: RejectedRow): void {
    this.#rejected.push(rejected);
  }

  /** Records the rows added so far. */
  async flush(): Promise<void> {
    const rows = this.#batch;
    this.#batch = [];
    if (rows.length > 0) await this.#recordAndPublish(rows);
  }

  counts(): RecordedCounts {
    return {
      accepted: this.#accepted,
      duplicates: this.#duplicates,
      rejected: [...this.#rejected],
    };
  }

  async #recordAndPublish(rows: readonly TransactionRow[]): Promise<void> {
    const { store, publisher } = this.#deps;
    const { correlationId: uploadId } = this.#upload;
    const outcomes = await store.recordBatch(rows, uploadId, this.#unit);
    const toPublish: TransactionRow[] = [];
    rows.forEach((row, i) => {
      const outcome = outcomes[i];
      if (outcome?.kind === 'conflict') {
        this.#rejected.push({ line: row.line, reason: conflictReason(row, outcome) });
      } else if (outcome) {
        if (outcome.kind === 'accepted') this.#accepted += 1;
        else this.#duplicates += 1;
        // Unpublished: new now, or a crash cut an earlier run short (unless this batch has it).
        const own = toPublish.some(
          (p) => p.customerId === row.customerId && p.transactionId === row.transactionId,
        );
        if (!outcome.published && !own) toPublish.push(row);
      }
    });
    const customers = this.#customers.dueFor(rows, outcomes);
    if (customers.length > 0) {
      await store.putCustomers(customers, uploadId);
      this.#customers.remember(customers);
    }
    if (toPublish.length > 0) await publisher.publish(this.#eventsOf(toPublish));
    const last = rows.at(-1);
    if (last) await store.markPublishedThrough(uploadId, last.line, this.#unit);
  }

  #eventsOf(rows: readonly TransactionRow[]): ContractEvent[] {
    const upload = this.#upload;
    const now = this.#deps.clock?.() ?? new Date();
    return rows.map((row) =>
      buildEvent(
        'TransactionRecorded',
        {
          customerId: row.customerId,
          customerAddress: row.customerAddress,
          transactionId: row.transactionId,
          transactionDate: row.transactionDate,
          amount: formatMoney(row.amountCents),
          source: { bucket: upload.bucket, key: upload.key, line: row.line },
        },
        { correlationId: upload.correlationId, causationId: upload.causationId },
        now,
      ),
    );
  }
}

export type { RecordedCounts, RejectedRow, RowRecorderDeps, UploadRef };
export { RowRecorder };
