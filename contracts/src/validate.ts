import { CURRENT_VERSION, type DetailByType, type DetailType, isDetailType } from './catalogue.ts';
import {
  isTransactionDate,
  schemaVersionOf,
  shippedContracts,
  type ValidationResult,
} from './contract-set.ts';
import { ContractValidationError } from './errors.ts';

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
  const declared = schemaVersionOf(detail);
  // A detail without a version is checked against the current schema, which lists what is missing.
  const version = declared === undefined ? CURRENT_VERSION[detailType] : declared;
  if (typeof version !== 'string') {
    const known = shippedContracts.versionsOf(detailType).join(', ');
    const message = `unknown schema version ${JSON.stringify(version)} of ${detailType} (known: ${known})`;
    return { ok: false, issues: [{ path: '/metadata/schemaVersion', message }] };
  }
  return shippedContracts.validate(detailType, version, detail);
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
