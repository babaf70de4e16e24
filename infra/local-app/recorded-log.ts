import type { Log } from '@txnflow/contracts';
import type { LocalRuntime } from '../local/index.ts';

const LEVELS = ['info', 'warn', 'error'] as const;
type Level = (typeof LEVELS)[number];

/**
 * Which lines become trace facts: every warning and error (why something failed or was
 * dead-lettered), and the info lines that tell what no table records, the message id of an
 * email sent (`emailMessageId`, how a trace finds the alert's email in the outbox). Other
 * info lines, say the ledger's one per applied transaction, only repeat what the services'
 * tables and the runtime's own facts hold; keeping one per row cost more than the 10% of
 * throughput tracing may take (docs/benchmarks.md), for nothing a trace shows.
 */
function keptAsFact(level: Level, fields: Readonly<Record<string, unknown>>): boolean {
  return level !== 'info' || typeof fields.emailMessageId === 'string';
}

/**
 * A service's Log that also keeps lines as trace facts in the state folder, as CloudWatch
 * keeps a function's log lines: what `txnflow trace` reads the services' side of the story
 * from (the email an alert sent, why an event was dead-lettered); see {@link keptAsFact} for
 * which. A line is filed under the event it is about (its `eventId`), else its run
 * (`correlationId`). Every line still goes to `next`.
 *
 * @example const log = recordedLog(runtime, 'alerting', quietLog);
 */
function recordedLog(runtime: LocalRuntime, service: string, next: Log): Log {
  if (!runtime.tracing) return next;
  const line =
    (level: Level) =>
    (message: string, extra?: Record<string, unknown>): void => {
      next[level](message, extra);
      const fields = extra ?? {};
      if (!keptAsFact(level, fields)) return;
      const ref = [fields.eventId, fields.correlationId].find((id) => typeof id === 'string');
      runtime.recordTraceFact(
        { kind: 'log', service, level, message, fields },
        { ref: (ref as string | undefined) ?? null },
      );
    };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

export { keptAsFact, recordedLog };
