import { type DetailType, eventContracts } from './catalogue.ts';
import { isTransactionDate } from './contract-set.ts';
import { ConsumerContractError } from './errors.ts';
import type { EventPattern, ServiceManifest } from './service-manifest.ts';

/**
 * A consumer contract: what a consuming service relies on in each event it consumes, the
 * fields its code reads (JSON Pointers into the detail, with the type and format assumed)
 * and the fields its rules match on (derived from its manifest's event patterns). The
 * producer's side checks every consumer's contract against the current schemas and their
 * examples (verifyConsumers); the consumer's edge hands its code a view of each event that
 * exposes the declared fields and no other (createConsumerEdge).
 */

/** A JSON type as a consumer assumes it. */
type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'object' | 'array';

const MONEY_PATTERN = '^-?(0|[1-9][0-9]{0,12})\\.[0-9]{2}$';
const IDENTIFIER_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$';
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A format is what a schema must guarantee of a string, and how a value shows it. */
interface ValueFormatSpec {
  /** How a person reads the assumption: `ledger reads /data/amount as <says>`. */
  readonly says: string;
  /** The schema guarantees the format by this exact `pattern`, or by this `format`. */
  readonly guarantee: { readonly pattern: string } | { readonly format: string };
  readonly accepts: (value: string) => boolean;
}

/** The formats a consumer can assume of a string field. */
const VALUE_FORMATS = {
  money: {
    says: 'a 2-decimal string',
    guarantee: { pattern: MONEY_PATTERN },
    accepts: (v) => new RegExp(MONEY_PATTERN).test(v),
  },
  identifier: {
    says: 'an id of 1 to 64 letters, digits, ".", "_" or "-"',
    guarantee: { pattern: IDENTIFIER_PATTERN },
    accepts: (v) => new RegExp(IDENTIFIER_PATTERN).test(v),
  },
  uuid: { says: 'a UUID', guarantee: { format: 'uuid' }, accepts: (v) => UUID.test(v) },
  'date-time': {
    says: 'an ISO 8601 date-time',
    guarantee: { format: 'date-time' },
    accepts: (v) => v.includes('T') && !Number.isNaN(Date.parse(v)),
  },
  'transaction-date': {
    says: 'a calendar date (or date-time)',
    guarantee: { format: 'transaction-date' },
    accepts: isTransactionDate,
  },
} as const satisfies Record<string, ValueFormatSpec>;

type ValueFormat = keyof typeof VALUE_FORMATS;

/** What a consumer's code assumes of one field it reads. */
interface FieldRead {
  readonly type: FieldType;
  /** Only for strings. @default - any string */
  readonly format?: ValueFormat;
  /** The consumer copes with the field's absence. @default false: it relies on it being there */
  readonly optional?: boolean;
}

/** A field of the event one of the consumer's rules matches on, as its event pattern says. */
interface MatchedField {
  readonly rule: string;
  /** `detail`: a JSON Pointer into the detail; `envelope`: an EventBridge field (`source`). */
  readonly in: 'detail' | 'envelope';
  readonly field: string;
  /** The pattern's condition on the field: `["txnflow.ledger"]`, `[{ "exists": false }]`. */
  readonly condition: readonly unknown[];
}

/** What a consumer declares of one event (its rules' matches are derived from the manifest). */
interface ConsumedEventSpec {
  /** Every version the consumer's edge takes: the archive may hold any of them. */
  readonly accepts: readonly string[];
  /** The version the consumer's code reads (older ones are upcast to it), and what it reads. */
  readonly reads: {
    readonly version: string;
    readonly fields: Readonly<Record<string, FieldRead>>;
  };
}

interface ConsumedEvent extends ConsumedEventSpec {
  readonly matches: readonly MatchedField[];
}

interface ConsumerContract {
  /** The consuming service, as its manifest names it. */
  readonly consumer: string;
  readonly events: Readonly<Partial<Record<DetailType, ConsumedEvent>>>;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function detailMatches(rule: string, pattern: unknown, at: string): MatchedField[] {
  if (!isObject(pattern)) return [];
  return Object.entries(pattern).flatMap(([key, value]) => {
    if (key === '$or' && Array.isArray(value)) {
      return value.flatMap((alternative) => detailMatches(rule, alternative, at));
    }
    if (Array.isArray(value)) {
      return [{ rule, in: 'detail' as const, field: `${at}/${key}`, condition: value }];
    }
    return detailMatches(rule, value, `${at}/${key}`);
  });
}

/**
 * The fields an event pattern matches on: the envelope's (`source`, `replay-name`, ...) and
 * the detail's, as JSON Pointers into the detail.
 *
 * @example matchedFields('R', { source: ['txnflow.ledger'], detail: { metadata: { replayName: [{ exists: false }] } } })
 */
function matchedFields(rule: string, pattern: EventPattern): MatchedField[] {
  return Object.entries(pattern).flatMap(([key, value]): MatchedField[] => {
    if (key === 'detail') return detailMatches(rule, value, '');
    if (key === '$or' && Array.isArray(value)) {
      return value.flatMap((alternative) => matchedFields(rule, alternative as EventPattern));
    }
    return [{ rule, in: 'envelope', field: key, condition: [value].flat() }];
  });
}

/** The detail-types a pattern takes: those it names, or every one when it names none. */
function detailTypesOf(pattern: EventPattern): string[] {
  const named = pattern['detail-type'];
  if (!Array.isArray(named)) return [...new Set(eventContracts.map((c) => c.detailType))];
  return named.filter((n): n is string => typeof n === 'string');
}

/** The manifest's rules on the txnflow bus, by the detail-type they take. */
function rulesByDetailType(manifest: ServiceManifest): Map<string, string[]> {
  const rules = new Map<string, string[]>();
  for (const s of manifest.subscriptions.filter((s) => s.bus === 'txnflow')) {
    for (const detailType of detailTypesOf(s.eventPattern)) {
      rules.set(detailType, [...(rules.get(detailType) ?? []), s.rule]);
    }
  }
  return rules;
}

function checkSpec(consumer: string, detailType: string, spec: ConsumedEventSpec): void {
  const where = `${consumer}'s contract for ${detailType}`;
  if (!spec.accepts.includes(spec.reads.version)) {
    throw new ConsumerContractError(
      `${where} reads v${spec.reads.version} but does not accept it (accepts ${spec.accepts.join(', ')})`,
    );
  }
  for (const [pointer, read] of Object.entries(spec.reads.fields)) {
    if (!/^(\/[A-Za-z0-9_-]+)+$/.test(pointer)) {
      throw new ConsumerContractError(
        `${where}: "${pointer}" is not a JSON Pointer into the detail`,
      );
    }
    if (read.format && read.type !== 'string') {
      throw new ConsumerContractError(
        `${where}: ${pointer} has format ${read.format} but is not a string`,
      );
    }
  }
}

/**
 * A consumer's contract: what it declares it reads of each event it consumes, with the
 * fields its rules match on derived from its manifest. Every event the manifest's rules on
 * the txnflow bus take must be declared, and nothing else.
 *
 * @example declareConsumer(ledgerManifest, { TransactionRecorded: { accepts: ['1'], reads: { version: '1', fields: { '/data/amount': { type: 'string', format: 'money' } } } } })
 * @throws {ConsumerContractError} naming the event, rule or pointer that is wrong.
 */
function declareConsumer(
  manifest: ServiceManifest,
  events: Readonly<Partial<Record<DetailType, ConsumedEventSpec>>>,
): ConsumerContract {
  const rules = rulesByDetailType(manifest);
  const consumer = manifest.service;
  for (const [detailType, ruleNames] of rules) {
    if (!Object.hasOwn(events, detailType)) {
      throw new ConsumerContractError(
        `${consumer} takes ${detailType} (rule ${ruleNames.join(', ')}) but declares nothing it reads of it`,
      );
    }
  }
  const declared = Object.entries(events).map(([detailType, spec]) => {
    if (!spec || !rules.has(detailType)) {
      throw new ConsumerContractError(
        `${consumer} declares ${detailType}, which none of its rules take`,
      );
    }
    checkSpec(consumer, detailType, spec);
    const matches = manifest.subscriptions
      .filter((s) => rules.get(detailType)?.includes(s.rule))
      .flatMap((s) => matchedFields(s.rule, s.eventPattern));
    const consumed: ConsumedEvent = {
      accepts: spec.accepts,
      reads: spec.reads,
      matches,
    };
    return [detailType, consumed] as const;
  });
  return { consumer, events: Object.fromEntries(declared) };
}

/**
 * How a person reads a consumer's assumption about a field.
 *
 * @example describeRead({ type: 'string', format: 'money' }) // 'a 2-decimal string'
 */
function describeRead(read: FieldRead): string {
  if (read.format) return VALUE_FORMATS[read.format].says;
  return read.type === 'integer' || read.type === 'object' || read.type === 'array'
    ? `an ${read.type}`
    : `a ${read.type}`;
}

export type {
  ConsumedEvent,
  ConsumedEventSpec,
  ConsumerContract,
  FieldRead,
  FieldType,
  MatchedField,
  ValueFormat,
  ValueFormatSpec,
};
export { declareConsumer, describeRead, matchedFields, VALUE_FORMATS };
