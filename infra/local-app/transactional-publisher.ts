import {
  type EventPublisher,
  MAX_ENTRIES_PER_CALL,
  PublishFailedError,
  type PutEventsEntry,
  toPutEventsEntries,
} from '@txnflow/contracts';
import type { LocalRuntime } from '../local/index.ts';

type Failure = PublishFailedError['failures'][number];

/**
 * The local EventPublisher: PutEvents calls of at most 10 entries, validated as on AWS,
 * but all the calls of one publish share one SQLite transaction, so a batch of 500 events
 * costs one commit instead of fifty. The calls are a handler's (`handlerCalls`): while the
 * runtime's group commit is open, that transaction is a savepoint in it, and the events are
 * committed with the completion of the delivery whose handler published them. Entries PutEvents refused are reported after the
 * others are committed, as PutEvents' partial success does; they are not retried, since
 * locally a refusal is a validation error, not throttling.
 *
 * @example const publisher = createTransactionalPublisher(runtime, 'txnflow');
 */
function createTransactionalPublisher(runtime: LocalRuntime, eventBusName: string): EventPublisher {
  const putAll = runtime.db.transaction((entries: readonly PutEventsEntry[]): Failure[] => {
    const failures: Failure[] = [];
    for (let i = 0; i < entries.length; i += MAX_ENTRIES_PER_CALL) {
      const call = entries.slice(i, i + MAX_ENTRIES_PER_CALL);
      const result = runtime.handlerCalls.putEvents(call);
      call.forEach((entry, j) => {
        const outcome = result.Entries[j];
        if (outcome && 'EventId' in outcome && outcome.EventId) return;
        const error = (outcome ?? {}) as { ErrorCode?: string; ErrorMessage?: string };
        failures.push({
          entry,
          errorCode: error.ErrorCode ?? 'Unknown',
          errorMessage: error.ErrorMessage ?? '',
        });
      });
    }
    return failures;
  });
  return {
    async publish(events) {
      const failures = putAll(toPutEventsEntries(events, eventBusName));
      if (failures.length > 0) throw new PublishFailedError(failures);
    },
  };
}

export { createTransactionalPublisher };
