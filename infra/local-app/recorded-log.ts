import type { Log } from '@txnflow/contracts';
import type { LocalRuntime } from '../local/index.ts';

const LEVELS = ['info', 'warn', 'error'] as const;

/**
 * A service's Log that also keeps each line as a trace fact in the state folder, as
 * CloudWatch keeps a function's log lines: what `txnflow trace` reads the services' side of
 * the story from (the email an alert sent, why an event was dead-lettered). A line is filed
 * under the event it is about (its `eventId`), else its run (`correlationId`).
 *
 * @example const log = recordedLog(runtime, 'alerting', quietLog);
 */
function recordedLog(runtime: LocalRuntime, service: string, next: Log): Log {
  if (!runtime.tracing) return next;
  const line =
    (level: (typeof LEVELS)[number]) =>
    (message: string, extra?: Record<string, unknown>): void => {
      next[level](message, extra);
      const fields = extra ?? {};
      const ref = [fields.eventId, fields.correlationId].find((id) => typeof id === 'string');
      runtime.recordTraceFact(
        { kind: 'log', service, level, message, fields },
        { ref: (ref as string | undefined) ?? null },
      );
    };
  return { info: line('info'), warn: line('warn'), error: line('error') };
}

export { recordedLog };
