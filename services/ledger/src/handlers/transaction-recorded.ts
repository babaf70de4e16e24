import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Log } from '@txnflow/contracts';
import {
  type ConsumerEdge,
  type DeadLetterSink,
  describeIssues,
  type EventPublisher,
  formatMoney,
  type ReceivedEvent,
} from '@txnflow/contracts';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { LedgerConfig } from '../config.ts';
import { applyTransactions, type BatchItemResult } from '../domain/apply-transaction.ts';
import { TransactionRefusedError } from '../domain/errors.ts';
import { transactionRecordedEdge } from '../edge/transaction-recorded-edge.ts';
import type { LedgerStore } from '../ports.ts';

interface TransactionRecordedHandlerDeps {
  readonly store: LedgerStore;
  readonly publisher: EventPublisher;
  readonly deadLetters: DeadLetterSink;
  readonly config: LedgerConfig;
  readonly log: Log;
  readonly clock?: () => Date;
  /** Waits before re-planning customers whose balance moved. @default - no wait */
  readonly backoff?: (attempt: number) => Promise<void>;
  /**
   * Where records are read: the versions taken, their upcasting, the fields exposed.
   * @default - the ledger's edge, as its consumer contract (consumes.ts) declares it
   */
  readonly edge?: ConsumerEdge<'TransactionRecorded'>;
}

/**
 * The ledger's queue consumer: each SQS record carries a TransactionRecorded event, read at
 * the ledger's edge (any version its consumer contract accepts, upcast to the one its code
 * reads, only the declared fields exposed). The valid ones are applied as one batch (one SQLite transaction locally). A record failing
 * its contract, or one the ledger refuses (a balance past the largest supported), goes to
 * the dead-letter sink with the reason (retrying cannot fix it); a
 * record whose processing failed is reported in `batchItemFailures` (built by Powertools'
 * batch processor) so only it is retried.
 *
 * @example export const handler = makeTransactionRecordedHandler(awsDeps());
 */
function makeTransactionRecordedHandler(deps: TransactionRecordedHandlerDeps) {
  const edge = deps.edge ?? transactionRecordedEdge;
  /** Retrying cannot fix an invalid or refused event: it goes to the dead-letter sink now. */
  async function deadLetter(
    messageId: string,
    body: string,
    reason: string,
    failures: Map<string, unknown>,
    event?: ReceivedEvent<'TransactionRecorded'>,
  ): Promise<void> {
    const ids = event ? idsOf(event) : {};
    deps.log.warn('dead-lettering a TransactionRecorded', { ...ids, messageId, reason });
    await deps.deadLetters
      .send(body, reason)
      .catch((error: unknown) => failures.set(messageId, error));
  }

  async function failuresOf(records: readonly SQSRecord[]): Promise<Map<string, unknown>> {
    const failures = new Map<string, unknown>();
    const valid: {
      messageId: string;
      body: string;
      event: ReceivedEvent<'TransactionRecorded'>;
    }[] = [];
    for (const record of records) {
      const read = edge.readJson(record.body);
      if (read.ok) {
        valid.push({ messageId: record.messageId, body: record.body, event: read.event });
        continue;
      }
      await deadLetter(record.messageId, record.body, describeIssues(read.issues), failures);
    }
    const results = await applyTransactions(
      valid.map((v) => v.event),
      {
        store: deps.store,
        publisher: deps.publisher,
        thresholdCents: deps.config.thresholdCents,
        ...(deps.clock ? { clock: deps.clock } : {}),
        ...(deps.backoff ? { backoff: deps.backoff } : {}),
      },
    );
    for (const [i, result] of results.entries()) {
      const record = valid[i];
      if (!record) continue;
      logResult(record.messageId, record.event, result);
      if (result.ok) continue;
      if (result.error instanceof TransactionRefusedError) {
        await deadLetter(
          record.messageId,
          record.body,
          result.error.message,
          failures,
          record.event,
        );
      } else {
        failures.set(record.messageId, result.error);
      }
    }
    return failures;
  }

  /** One line per transaction, carrying its ids: what a trace of it finds in the logs. */
  function logResult(
    messageId: string,
    event: ReceivedEvent<'TransactionRecorded'>,
    result: BatchItemResult,
  ): void {
    const ids = { ...idsOf(event), messageId };
    if (!result.ok) {
      if (result.error instanceof TransactionRefusedError) return;
      const error = result.error instanceof Error ? result.error.message : String(result.error);
      deps.log.warn('transaction not applied; its message is retried', { ...ids, error });
      return;
    }
    const { outcome } = result;
    deps.log.info('applied transaction', {
      ...ids,
      outcome: outcome.kind,
      ...(outcome.kind === 'applied' ? { balance: formatMoney(outcome.balanceCents) } : {}),
      alerted: outcome.alerted,
    });
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

/** The ids a trace follows: the event's, its run's, its cause's, and the transaction's. */
function idsOf(event: ReceivedEvent<'TransactionRecorded'>): Record<string, unknown> {
  const { metadata, data } = event.detail;
  return {
    eventId: metadata.eventId,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
    envelopeId: event.id,
    customerId: data.customerId,
    transactionId: data.transactionId,
    ...(event.replayName ? { replayName: event.replayName } : {}),
  };
}

export type { TransactionRecordedHandlerDeps };
export { makeTransactionRecordedHandler };
