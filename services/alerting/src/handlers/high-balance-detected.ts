import type { Log } from '@txnflow/contracts';
import { type ConsumerEdge, type DeadLetterSink, describeIssues } from '@txnflow/contracts';
import { type RecordAlertOutcome, recordAlert } from '../domain/record-alert.ts';
import { highBalanceDetectedEdge } from '../edge/high-balance-detected-edge.ts';
import type { AlertStore, EmailNotifier } from '../ports.ts';

interface HighBalanceDetectedHandlerDeps {
  readonly store: AlertStore;
  readonly notifier: EmailNotifier;
  readonly deadLetters: DeadLetterSink;
  // The handler only reports what it dead-letters and what it notified.
  readonly log: Pick<Log, 'info' | 'warn'>;
  /**
   * Where events are read: the versions taken, their upcasting, the fields exposed.
   * @default - alerting's edge, as its consumer contract (consumes.ts) declares it
   */
  readonly edge?: ConsumerEdge<'HighBalanceDetected'>;
}

/**
 * Alerting's entry: the rule invokes it asynchronously with a HighBalanceDetected event, read
 * at alerting's edge (the versions its consumer contract accepts, only the declared fields
 * exposed). An event failing its contract is dead-lettered with the reason (a retry cannot fix it); any
 * other error is thrown, so EventBridge and Lambda retry, then dead-letter.
 *
 * @example export const handler = makeHighBalanceDetectedHandler(awsDeps());
 */
function makeHighBalanceDetectedHandler(deps: HighBalanceDetectedHandlerDeps) {
  const edge = deps.edge ?? highBalanceDetectedEdge;
  return async (event: unknown): Promise<RecordAlertOutcome | { kind: 'dead-lettered' }> => {
    const read = edge.read(event);
    if (!read.ok) {
      const reason = describeIssues(read.issues);
      deps.log.warn('dead-lettering an invalid HighBalanceDetected', { ...idsOf(event), reason });
      await deps.deadLetters.send(JSON.stringify(event), reason);
      return { kind: 'dead-lettered' };
    }
    const outcome = await recordAlert(read.event, { store: deps.store, notifier: deps.notifier });
    const { metadata, data } = read.event.detail;
    deps.log.info('high balance alert', {
      eventId: metadata.eventId,
      correlationId: metadata.correlationId,
      causationId: metadata.causationId,
      envelopeId: read.event.id,
      alertId: data.alertId,
      customerId: data.customerId,
      ...outcome,
    });
    return outcome;
  };
}

/** The ids an event carries, as far as it can be read: for the log of an invalid one. */
function idsOf(event: unknown): Record<string, unknown> {
  const envelope = (event ?? {}) as {
    id?: unknown;
    detail?: { metadata?: Record<string, unknown> };
  };
  const metadata = envelope.detail?.metadata ?? {};
  return {
    envelopeId: envelope.id,
    eventId: metadata.eventId,
    correlationId: metadata.correlationId,
    causationId: metadata.causationId,
  };
}

export type { HighBalanceDetectedHandlerDeps };
export { makeHighBalanceDetectedHandler };
