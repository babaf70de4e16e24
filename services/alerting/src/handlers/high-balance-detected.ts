import type { Log } from '@txnflow/contracts';
import { type DeadLetterSink, describeIssues, readEvent } from '@txnflow/contracts';
import { type RecordAlertOutcome, recordAlert } from '../domain/record-alert.ts';
import type { AlertStore, EmailNotifier } from '../ports.ts';

interface HighBalanceDetectedHandlerDeps {
  readonly store: AlertStore;
  readonly notifier: EmailNotifier;
  readonly deadLetters: DeadLetterSink;
  // The handler only reports what it dead-letters and what it notified.
  readonly log: Pick<Log, 'info' | 'warn'>;
}

/**
 * Alerting's entry: the rule invokes it asynchronously with a HighBalanceDetected event. An
 * event failing its contract is dead-lettered with the reason (a retry cannot fix it); any
 * other error is thrown, so EventBridge and Lambda retry, then dead-letter.
 *
 * @example export const handler = makeHighBalanceDetectedHandler(awsDeps());
 */
function makeHighBalanceDetectedHandler(deps: HighBalanceDetectedHandlerDeps) {
  return async (event: unknown): Promise<RecordAlertOutcome | { kind: 'dead-lettered' }> => {
    const read = readEvent('HighBalanceDetected', event);
    if (!read.ok) {
      const reason = describeIssues(read.issues);
      deps.log.warn('dead-lettering an invalid HighBalanceDetected', { reason });
      await deps.deadLetters.send(JSON.stringify(event), reason);
      return { kind: 'dead-lettered' };
    }
    const outcome = await recordAlert(read.event, { store: deps.store, notifier: deps.notifier });
    deps.log.info('high balance alert', { alertId: read.event.detail.data.alertId, ...outcome });
    return outcome;
  };
}

export type { HighBalanceDetectedHandlerDeps };
export { makeHighBalanceDetectedHandler };
