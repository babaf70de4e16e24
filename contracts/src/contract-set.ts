import type { ErrorObject, ValidateFunction } from 'ajv';
import Ajv from 'ajv-draft-04';
import addFormats from 'ajv-formats';
import { CURRENT_VERSION, type EventContract, eventContracts } from './catalogue.ts';
import { ContractError, type ValidationIssue } from './errors.ts';

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

/**
 * A set of event contracts with their validators, and the version producers publish now of
 * each detail-type. The shipped set is every contract in `contracts/schemas`; a test builds
 * another (a next version kept as a fixture, a schema changed in the working tree) without
 * touching the shipped one.
 */
interface ContractSet {
  readonly contracts: readonly EventContract[];
  /** The version producers publish now, by detail-type. */
  readonly current: Readonly<Record<string, string>>;
  find(detailType: string, version: string): EventContract | undefined;
  /** The versions of a detail-type, oldest first. */
  versionsOf(detailType: string): string[];
  /** Validates a detail against one version of its contract: the typed detail or every failing path. */
  validate(detailType: string, version: string, detail: unknown): ValidationResult<unknown>;
}

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

/**
 * Orders versions, decimal integers as strings: "2" comes after "1", "10" after "9".
 *
 * @example ['10', '9'].sort(byVersion) // ['9', '10']
 */
const byVersion = (a: string, b: string): number => Number(a) - Number(b);

/**
 * Compiles every contract of the set once (building an Ajv validator costs far more than
 * running it), each set with its own Ajv, since two versions may share nothing but an id.
 *
 * @example const set = createContractSet([...eventContracts, v2], { ...CURRENT_VERSION, TransactionRecorded: '2' });
 * @throws {ContractError} when two contracts share a detail-type and version, or a current
 *   version has no contract.
 */
function createContractSet(
  contracts: readonly EventContract[],
  current: Readonly<Record<string, string>>,
): ContractSet {
  const ajv = new Ajv({ allErrors: true, strict: true, verbose: true });
  addFormats(ajv, ['date-time', 'uuid']);
  ajv.addFormat('transaction-date', isTransactionDate);
  ajv.addKeyword('examples');
  const key = (detailType: string, version: string) => `${detailType}@${version}`;
  const validators = new Map<string, ValidateFunction>();
  for (const c of contracts) {
    if (validators.has(key(c.detailType, c.version))) {
      throw new ContractError(`${c.detailType} v${c.version} is in the contract set twice`);
    }
    validators.set(key(c.detailType, c.version), ajv.compile(c.schema));
  }
  for (const [detailType, version] of Object.entries(current)) {
    if (!validators.has(key(detailType, version))) {
      throw new ContractError(`producers publish ${detailType} v${version}, which has no contract`);
    }
  }
  return {
    contracts,
    current,
    find: (detailType, version) =>
      contracts.find((c) => c.detailType === detailType && c.version === version),
    versionsOf: (detailType) =>
      contracts
        .filter((c) => c.detailType === detailType)
        .map((c) => c.version)
        .sort(byVersion),
    validate(detailType, version, detail) {
      const validator = validators.get(key(detailType, version));
      if (!validator) {
        const known = this.versionsOf(detailType);
        const message = known.length
          ? `unknown schema version ${JSON.stringify(version)} of ${detailType} (known: ${known.join(', ')})`
          : `unknown detail-type "${detailType}"`;
        return { ok: false, issues: [{ path: '/metadata/schemaVersion', message }] };
      }
      if (validator(detail)) return { ok: true, value: detail };
      return { ok: false, issues: (validator.errors ?? []).map(toIssue) };
    },
  };
}

/** The contracts txnflow ships, compiled once at module load. */
const shippedContracts: ContractSet = createContractSet(eventContracts, CURRENT_VERSION);

/**
 * The `metadata.schemaVersion` a detail declares, if it declares one.
 *
 * @example schemaVersionOf({ metadata: { schemaVersion: '1' } }) // '1'
 */
function schemaVersionOf(detail: unknown): unknown {
  if (typeof detail !== 'object' || detail === null) return undefined;
  const metadata = (detail as { metadata?: unknown }).metadata;
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  return (metadata as { schemaVersion?: unknown }).schemaVersion;
}

export type { ContractSet, ValidationResult };
export { byVersion, createContractSet, isTransactionDate, schemaVersionOf, shippedContracts };
