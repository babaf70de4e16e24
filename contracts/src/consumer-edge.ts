import type { DetailByType, DetailType } from './catalogue.ts';
import type { ConsumedEvent, ConsumerContract } from './consumer-contract.ts';
import { inDetail, parseJson, type ReadResult, readEnvelope, receivedEvent } from './consuming.ts';
import { byVersion, type ContractSet, schemaVersionOf, shippedContracts } from './contract-set.ts';
import { ConsumerContractError, type ValidationIssue } from './errors.ts';
import { compileReadGuard } from './guarded-view.ts';

/**
 * Takes a valid detail of one version and returns it as the next version the consumer
 * accepts would carry it: `metadata.schemaVersion` included.
 */
type Upcaster = (detail: Readonly<Record<string, unknown>>) => Record<string, unknown>;

interface ConsumerEdgeOptions<T extends DetailType> {
  /** The consumer's contract: the versions it accepts and what its code reads. */
  readonly contract: ConsumerContract;
  readonly detailType: T;
  /**
   * By the version each takes, one per accepted version older than the one the code reads.
   * @default - none: the consumer accepts only the version it reads
   */
  readonly upcasters?: Readonly<Record<string, Upcaster>>;
  /** @default - the contracts txnflow ships */
  readonly contracts?: ContractSet;
}

/** Where a consumer's code receives events: validated, upcast, and guarded by its contract. */
interface ConsumerEdge<T extends DetailType> {
  readonly consumer: string;
  readonly detailType: T;
  /** The versions taken, oldest first. */
  readonly accepts: readonly string[];
  /** Reads an EventBridge event (an object); the issues of one that cannot be read. */
  read(raw: unknown): ReadResult<T>;
  /** Parses then reads: for an SQS record body. Bad JSON is an issue, not an exception. */
  readJson(json: string): ReadResult<T>;
}

type Upcast =
  | { readonly ok: true; readonly detail: unknown }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

function consumedEventOf(options: ConsumerEdgeOptions<DetailType>): ConsumedEvent {
  const { contract, detailType } = options;
  const spec = contract.events[detailType];
  if (!spec) {
    throw new ConsumerContractError(`${contract.consumer}'s contract declares no ${detailType}`);
  }
  const contracts = options.contracts ?? shippedContracts;
  const where = `${contract.consumer}'s edge for ${detailType}`;
  const reading = spec.reads.version;
  for (const version of spec.accepts) {
    if (!contracts.find(detailType, version)) {
      throw new ConsumerContractError(`${where} accepts v${version}, which no contract defines`);
    }
    if (byVersion(version, reading) > 0) {
      throw new ConsumerContractError(
        `${where} accepts v${version}, newer than the v${reading} its code reads`,
      );
    }
    if (byVersion(version, reading) < 0 && !options.upcasters?.[version]) {
      throw new ConsumerContractError(`${where} accepts v${version} but has no upcaster from it`);
    }
  }
  for (const version of Object.keys(options.upcasters ?? {})) {
    if (!spec.accepts.includes(version) || version === reading) {
      throw new ConsumerContractError(
        `${where} has an upcaster from v${version}, which it does not take`,
      );
    }
  }
  return spec;
}

/** What an edge reads with, worked out once when it is built. */
interface EdgePlan<T extends DetailType> {
  readonly consumer: string;
  readonly detailType: T;
  /** Oldest first. */
  readonly accepts: readonly string[];
  readonly reading: string;
  readonly upcasters: Readonly<Record<string, Upcaster>>;
  readonly contracts: ContractSet;
  /** Wraps a detail of the version read in the view its contract allows (compiled once). */
  readonly guard: <D extends object>(detail: D) => D;
}

/** The detail upcast from its version to the one the code reads, each step validated. */
function upcastToReading(plan: EdgePlan<DetailType>, detail: unknown, from: string): Upcast {
  let current = detail;
  for (let at = plan.accepts.indexOf(from); plan.accepts[at] !== plan.reading; at += 1) {
    const [version, next] = [plan.accepts[at] as string, plan.accepts[at + 1] as string];
    const step = `upcasting v${version} to v${next}`;
    try {
      current = plan.upcasters[version]?.(current as Record<string, unknown>);
    } catch (error) {
      return { ok: false, issues: [{ path: '/detail', message: `${step} failed: ${error}` }] };
    }
    const result = plan.contracts.validate(plan.detailType, next, current);
    if (!result.ok) {
      const issues = inDetail(result.issues).map((i) => ({
        ...i,
        message: `${step}: ${i.message}`,
      }));
      return { ok: false, issues };
    }
  }
  return { ok: true, detail: current };
}

function readWith<T extends DetailType>(plan: EdgePlan<T>, raw: unknown): ReadResult<T> {
  const { consumer, detailType, accepts, reading } = plan;
  const envelope = readEnvelope(detailType, raw);
  if (!envelope.ok) return envelope;
  const detail = envelope.event.detail;
  // A detail without a version is checked as the version read, which lists what it lacks.
  const version = schemaVersionOf(detail) ?? reading;
  if (typeof version !== 'string' || !accepts.includes(version)) {
    const message = `${consumer} accepts ${detailType} v${accepts.join(', v')}; this event is v${String(version)}`;
    const issues: ValidationIssue[] = [{ path: '/detail/metadata/schemaVersion', message }];
    return { ok: false, issues };
  }
  const valid = plan.contracts.validate(detailType, version, detail);
  if (!valid.ok) return { ok: false, issues: inDetail(valid.issues) };
  const lifted = upcastToReading(plan, detail, version);
  if (!lifted.ok) return lifted;
  const guarded = plan.guard(lifted.detail as object);
  return { ok: true, event: receivedEvent(detailType, envelope.event, guarded as DetailByType[T]) };
}

/**
 * A consumer's edge: reads an event of any version its contract accepts, validates it
 * against that version's schema, upcasts it step by step to the version its code reads
 * (validating each step), and hands the code a view of the detail that exposes only the
 * fields the contract declares (reading another throws UndeclaredFieldReadError). An event
 * of another version, or one failing its schema, is an issue list to dead-letter.
 *
 * @example const edge = createConsumerEdge({ contract: ledgerConsumes, detailType: 'TransactionRecorded' });
 * @throws {ConsumerContractError} when the contract and the upcasters disagree.
 */
function createConsumerEdge<T extends DetailType>(
  options: ConsumerEdgeOptions<T>,
): ConsumerEdge<T> {
  const spec = consumedEventOf(options);
  const contracts = options.contracts ?? shippedContracts;
  const fields = Object.keys(spec.reads.fields);
  const plan: EdgePlan<T> = {
    consumer: options.contract.consumer,
    detailType: options.detailType,
    accepts: [...spec.accepts].sort(byVersion),
    reading: spec.reads.version,
    upcasters: options.upcasters ?? {},
    contracts,
    guard: compileReadGuard({
      consumer: options.contract.consumer,
      detailType: options.detailType,
      fields,
      schema: contracts.find(options.detailType, spec.reads.version)?.schema ?? {},
    }),
  };
  return {
    consumer: plan.consumer,
    detailType: plan.detailType,
    accepts: plan.accepts,
    read: (raw) => readWith(plan, raw),
    readJson(json) {
      const parsed = parseJson(json);
      return parsed.ok ? readWith(plan, parsed.value) : parsed;
    },
  };
}

export type { ConsumerEdge, ConsumerEdgeOptions, Upcaster };
export { createConsumerEdge };
