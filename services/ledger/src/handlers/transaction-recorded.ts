import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  type DeadLetterSink,
  describeIssues,
  type EventPublisher,
  type ReceivedEvent,
  readEventJson,
} from '@txnflow/contracts';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LedgerConfig } from '../config.ts';
import { applyTransactions } from '../domain/apply-transaction.ts';
import type { LedgerStore, Log } from '../ports.ts';

interface TransactionRecordedHandlerDeps {
  readonly store: LedgerStore;
  readonly publisher: EventPublisher;
  readonly deadLetters: DeadLetterSink;
  readonly config: LedgerConfig;
  readonly log: Log;
  readonly clock?: () => Date;
}

/**
 * The ledger's queue consumer: each SQS record carries a TransactionRecorded event. The
 * valid ones are applied as one batch (one SQLite transaction locally). A record failing
 * its contract goes to the dead-letter sink with the reason (retrying cannot fix it); a
 * record whose processing failed is reported in `batchItemFailures` (built by Powertools'
 * batch processor) so only it is retried.
 *
 * @example export const handler = makeTransactionRecordedHandler(awsDeps());
 */
function makeTransactionRecordedHandler(deps: TransactionRecordedHandlerDeps) {
  async function failuresOf(records: readonly SQSRecord[]): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    const valid: { messageId: string; event: ReceivedEvent<'TransactionRecorded'> }[] = [];
    for (const record of records) {
      const read = readEventJson('TransactionRecorded', record.body);
      if (read.ok) {
        valid.push({ messageId: record.messageId, event: read.event });
        continue;
      }
      const reason = describeIssues(read.issues);
      deps.log.warn('dead-lettering an invalid TransactionRecorded', {
        messageId: record.messageId,
        reason,
      });
      await deps.deadLetters
        .send(record.body, reason)
        .catch((error: unknown) => failures.set(record.messageId, error));
    }
    const results = await applyTransactions(
      valid.map((v) => v.event),
      {
        store: deps.store,
        publisher: deps.publisher,
        thresholdCents: deps.config.thresholdCents,
        ...(deps.clock ? { clock: deps.clock } : {}),
      },
    );
    results.forEach((result, i) => {
      if (!result.ok) failures.set(valid[i]?.messageId ?? '', result.error);
    });
    return failures;
  }

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    const failures = await failuresOf(event.Records);
    // One processor per invocation: it holds the batch's state.
    const processor = new BatchProcessor(EventType.SQS);
    const reportRecord = async (record: SQSRecord): Promise<void> => {
      if (failures.has(record.messageId)) throw failures.get(record.messageId);
    };
    return processPartialResponse(event, reportRecord, processor, {
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  };
}

export type { TransactionRecordedHandlerDeps };
export { makeTransactionRecordedHandler };
