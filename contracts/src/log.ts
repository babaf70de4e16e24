/**
 * The log port every service and the local runtime write to: a message and optional
 * structured fields. Powertools' Logger on AWS (`toStructuredLog`), quiet or console locally.
 */
interface Log {
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export type { Log };
