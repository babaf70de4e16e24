import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import {
  CURRENT_VERSION,
  type DetailByType,
  type DetailType,
  eventContracts,
  isDetailType,
} from './catalogue.ts';
import { ContractValidationError, type ValidationIssue } from './errors.ts';

type ValidationResult<T> =
  | { readonly ok: true; readonly value: T }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})/;

/** A transaction date is a real calendar day (2023-02-30 is not), optionally with a time. */
function isTransactionDate(text: string): boolean {
  const match = CALENDAR_DATE.exec(text);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  const sameDay =
    date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
  return sameDay && (text.length === 10 || !Number.isNaN(Date.parse(text)));
}

// Compiled once at module load: building an Ajv validator costs far more than running it.
const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
addFormats(ajv, ['date-time', 'uuid']);
ajv.addFormat('transaction-date', isTransactionDate);
ajv.addKeyword('examples');

const validators = new Map<string, ValidateFunction>(
  eventContracts.map((c) => [`${c.detailType}@${c.version}`, ajv.compile(c.schema)]),
);

function toIssue(error: ErrorObject): ValidationIssue {
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'required') {
    return { path: `${error.instancePath}/${params.missingProperty}`, message: 'is required' };
  }
  if (error.keyword === 'additionalProperties') {
    return {
      path: `${error.instancePath}/${params.additionalProperty}`,
      message: 'is not allowed by the schema',
    };
  }
  const got = error.keyword === 'type' ? '' : ` (got ${JSON.stringify(error.data)})`;
  return { path: error.instancePath, message: `${error.message ?? error.keyword}${got}` };
}

function versionOf(detail: unknown): unknown {
  if (typeof detail !== 'object' || detail === null) return undefined;
  const metadata = (detail as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  return (metadata as { schemaVersion?: unknown }).schemaVersion;
}

/**
 * Validates an event detail against the contract of its detail-type and schema version
 * (`detail.metadata.schemaVersion`), returning the typed detail or every failing path.
 *
 * @example
 * const result = validateDetail('TransactionRecorded', event.detail);
 * if (!result.ok) console.error(result.issues); // [{ path: '/data/amount', message: ... }]
 */
function validateDetail<T extends DetailType>(
  detailType: T,
  detail: unknown,
): ValidationResult<DetailByType[T]>;
function validateDetail(detailType: string, detail: unknown): ValidationResult<unknown>;
function validateDetail(detailType: string, detail: unknown): ValidationResult<unknown> {
  if (!isDetailType(detailType)) {
    return { ok: false, issues: [{ path: '', message: `unknown detail-type "${detailType}"` }] };
  }
  const declared = versionOf(detail);
  // A detail without a version is checked against the current schema, which lists what is missing.
  const version = declared === undefined ? CURRENT_VERSION[detailType] : declared;
  const validator =
    typeof version === 'string' ? validators.get(`${detailType}@${version}`) : undefined;
  if (!validator) {
    const known = eventContracts.filter((c) => c.detailType === detailType).map((c) => c.version);
    return {
      ok: false,
      issues: [
        {
          path: '/metadata/schemaVersion',
          message: `unknown schema version ${JSON.stringify(version)} of ${detailType} (known: ${known.join(', ')})`,
        },
      ],
    };
  }
  if (validator(detail)) return { ok: true, value: detail };
  return { ok: false, issues: (validator.errors ?? []).map(toIssue) };
}

/**
 * Like {@link validateDetail}, but throws: for producers, where an invalid event is a bug.
 *
 * @example const detail = assertValidDetail('HighBalanceDetected', built);
 * @throws {ContractValidationError} listing every failing path.
 */
function assertValidDetail<T extends DetailType>(detailType: T, detail: unknown): DetailByType[T] {
  const result = validateDetail(detailType, detail);
  if (!result.ok) throw new ContractValidationError(detailType, result.issues);
  return result.value;
}

export type { ValidationResult };
export { assertValidDetail, isTransactionDate, validateDetail };
