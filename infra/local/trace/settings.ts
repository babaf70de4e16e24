import { LocalRuntimeError } from '../errors.ts';

/** Whether the runtime records trace facts, and how many it keeps. */
interface TraceSettings {
  /** @default true */
  readonly enabled?: boolean;
  /**
   * The newest facts kept; older ones are dropped as new ones arrive (about 100 bytes each
   * on disk). @default 1,000,000
   */
  readonly maxFacts?: number;
}

/**
 * The retention when nothing says otherwise: about 100 MB of facts, some 450,000 rows' worth
 * (a row's message to the ledger's queue and its receive, plus a share of batches and alerts).
 */
const DEFAULT_MAX_FACTS = 1_000_000;

/** A `TXNFLOW_TRACE` or `TXNFLOW_TRACE_KEEP` value that cannot be read. */
class InvalidTraceSettingError extends LocalRuntimeError {
  readonly variable: string;

  constructor(variable: string, value: string, expected: string) {
    super('InvalidTraceSetting', `${variable}="${value}" is invalid: ${expected}`);
    this.name = 'InvalidTraceSettingError';
    this.variable = variable;
  }
}

/**
 * Reads the trace settings from the environment: `TXNFLOW_TRACE` is `on` (the default) or
 * `off`; `TXNFLOW_TRACE_KEEP` is how many facts to keep (a whole number, at least 1000).
 *
 * @example parseTraceSettings({ TXNFLOW_TRACE: 'off' }) // { enabled: false, maxFacts: 1000000 }
 * @throws {InvalidTraceSettingError} naming the variable and what it takes.
 */
function parseTraceSettings(
  env: Readonly<Record<string, string | undefined>>,
): Required<TraceSettings> {
  const flag = (env.TXNFLOW_TRACE ?? '').trim().toLowerCase();
  if (!['', 'on', 'off'].includes(flag)) {
    throw new InvalidTraceSettingError('TXNFLOW_TRACE', env.TXNFLOW_TRACE ?? '', 'on or off');
  }
  const keep = (env.TXNFLOW_TRACE_KEEP ?? '').trim();
  const maxFacts = keep === '' ? DEFAULT_MAX_FACTS : Number(keep);
  if (!Number.isSafeInteger(maxFacts) || maxFacts < 1000) {
    throw new InvalidTraceSettingError(
      'TXNFLOW_TRACE_KEEP',
      keep,
      'a whole number of facts, at least 1000',
    );
  }
  return { enabled: flag !== 'off', maxFacts };
}

export type { TraceSettings };
export { DEFAULT_MAX_FACTS, InvalidTraceSettingError, parseTraceSettings };
