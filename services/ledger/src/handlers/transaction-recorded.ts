import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import {
  type DeadLetterSink,
  describeIssues,
  type EventPublisher,
  readEventJson,
} from '@txnflow/contracts';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LedgerConfig } from '../config.ts';
import { applyTransaction } from '../domain/apply-transaction.ts';
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
 * The ledger's queue consumer: each SQS record carries a TransactionRecorded event. A record
 * failing its contract goes to the dead-letter sink with the reason (retrying cannot fix it);
 * a record whose processing throws is reported in `batchItemFailures` so only it is retried.
 *
 * @example export const handler = makeTransactionRecordedHandler(awsDeps());
 */
function makeTransactionRecordedHandler(deps: TransactionRecordedHandlerDeps) {
  const processRecord = async (record: SQSRecord): Promise<void> => {
    const read = readEventJson('TransactionRecorded', record.body);
    if (!read.ok) {
      const reason = describeIssues(read.issues);
      deps.log.warn('dead-lettering an invalid TransactionRecorded', {
        messageId: record.messageId,
        reason,
      });
      await deps.deadLetters.send(record.body, reason);
      return;
    }
    await applyTransaction(read.event, {
      store: deps.store,
      publisher: deps.publisher,
      thresholdCents: deps.config.thresholdCents,
      ...(deps.clock ? { clock: deps.clock } : {}),
    });
  };

  return async (event: SQSEvent): Promise<SQSBatchResponse> => {
    // One processor per invocation: it holds the batch's state.
    const processor = new BatchProcessor(EventType.SQS);
    return processPartialResponse(event, processRecord, processor, {
      processInParallel: false,
      throwOnFullBatchFailure: false,
    });
  };
}

export type { TransactionRecordedHandlerDeps };
export { makeTransactionRecordedHandler };
