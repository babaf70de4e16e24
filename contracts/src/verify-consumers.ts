import {
  type ConsumedEvent,
  type ConsumerContract,
  describeRead,
  type FieldRead,
  type MatchedField,
  VALUE_FORMATS,
} from './consumer-contract.ts';
import { byVersion, type ContractSet, shippedContracts } from './contract-set.ts';

/** A JSON Schema node, as far as the check reads it. */
interface SchemaNode {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, SchemaNode>>;
  readonly required?: readonly string[];
  readonly enum?: readonly unknown[];
  readonly pattern?: string;
  readonly format?: string;
  readonly examples?: readonly unknown[];
}

/** Something a consumer relies on that a contract no longer gives it. */
interface ConsumerBreak {
  readonly consumer: string;
  readonly detailType: string;
  readonly version: string;
  /** A JSON Pointer into the detail, or an envelope field (`source`). */
  readonly field: string;
  /** One line for a person: `ledger reads /data/amount as a 2-decimal string; ...`. */
  readonly reason: string;
}

interface Resolved {
  readonly node?: SchemaNode;
  /** The first step of the path the schema does not require. */
  readonly optionalAt?: string;
}

function resolve(schema: SchemaNode, pointer: string): Resolved {
  let node: SchemaNode | undefined = schema;
  let optionalAt: string | undefined;
  let at = '';
  for (const step of pointer.split('/').slice(1)) {
    at = `${at}/${step}`;
    const parent: SchemaNode = node;
    node = parent.properties?.[step];
    if (!node) return {};
    if (!optionalAt && !parent.required?.includes(step)) optionalAt = at;
  }
  return optionalAt ? { node, optionalAt } : { node };
}

const article = (type: string): string => (/^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`);

/** What the schema says a field's type is, if that is not what the consumer assumes. */
function typeProblem(assumed: string, node: SchemaNode): string | undefined {
  if (node.type === undefined) return `no longer says it is ${article(assumed)}`;
  const types = [node.type].flat();
  const fits = (t: string) => t === assumed || (assumed === 'number' && t === 'integer');
  if (types.length === 1 && fits(types[0] as string)) return undefined;
  return `makes it ${types.map(article).join(' or ')}`;
}

function formatProblem(read: FieldRead, node: SchemaNode): string | undefined {
  if (!read.format) return undefined;
  const { guarantee } = VALUE_FORMATS[read.format];
  if ('pattern' in guarantee) {
    if (node.pattern === guarantee.pattern) return undefined;
    return node.pattern === undefined
      ? 'drops the pattern that guarantees it'
      : `allows other strings (pattern ${node.pattern})`;
  }
  if (node.format === guarantee.format) return undefined;
  return node.format === undefined
    ? `drops format ${guarantee.format}`
    : `gives format ${node.format} instead of ${guarantee.format}`;
}

function valueAt(detail: unknown, pointer: string): unknown {
  let value = detail;
  for (const step of pointer.split('/').slice(1)) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<string, unknown>)[step];
  }
  return value;
}

function jsonTypeOf(value: unknown): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function exampleProblem(read: FieldRead, value: unknown, index: number): string | undefined {
  const which = `example #${index + 1}`;
  if (value === undefined) return read.optional ? undefined : `${which} lacks it`;
  const type = jsonTypeOf(value);
  const fits = type === read.type || (read.type === 'number' && type === 'integer');
  const formatted = !read.format || VALUE_FORMATS[read.format].accepts(String(value));
  return fits && formatted ? undefined : `${which} has ${JSON.stringify(value)} there`;
}

/** Every way one version's schema and examples fail what the consumer reads of it. */
function readProblems(pointer: string, read: FieldRead, schema: SchemaNode): string[] {
  const { node, optionalAt } = resolve(schema, pointer);
  if (!node) return ['has no such field'];
  const problems: (string | undefined)[] = [];
  if (optionalAt && !read.optional) {
    problems.push(optionalAt === pointer ? 'makes it optional' : `makes ${optionalAt} optional`);
  }
  // A format is only worth checking on the type it is a format of.
  problems.push(typeProblem(read.type, node) ?? formatProblem(read, node));
  const examples = schema.examples ?? [];
  problems.push(...examples.map((e, i) => exampleProblem(read, valueAt(e, pointer), i)));
  return problems.filter((p): p is string => p !== undefined);
}

/** The JSON type one condition of a pattern compares a field with (none for `exists`). */
function typeMatchedBy(condition: unknown): string[] {
  if (typeof condition === 'string') return ['string'];
  if (typeof condition === 'number') return ['number'];
  if (typeof condition === 'boolean') return ['boolean'];
  if (!condition || typeof condition !== 'object') return [];
  const [operator, operand] = Object.entries(condition)[0] ?? [];
  if (operator === undefined || operator === 'exists') return [];
  if (operator === 'numeric') return ['number'];
  if (operator === 'anything-but') return [operand].flat().flatMap(typeMatchedBy);
  return ['string'];
}

/** The JSON types a pattern's condition compares a field with. */
const typesMatchedBy = (condition: readonly unknown[]): Set<string> =>
  new Set(condition.flatMap(typeMatchedBy));

function matchProblem(match: MatchedField, schema: SchemaNode, source: string): string | undefined {
  if (match.in === 'envelope') {
    const literals = match.condition.filter((c) => typeof c === 'string');
    const onlyLiterals = literals.length === match.condition.length;
    if (match.field !== 'source' || !onlyLiterals || literals.includes(source)) return undefined;
    return `is published by ${source}`;
  }
  const { node } = resolve(schema, match.field);
  if (!node) return 'has no such field';
  for (const type of typesMatchedBy(match.condition)) {
    const problem = typeProblem(type, node);
    if (problem) return problem;
  }
  const literals = match.condition.filter((c) => typeof c !== 'object' || c === null);
  if (node.enum && literals.length > 0 && !literals.some((l) => node.enum?.includes(l))) {
    return `allows none of ${JSON.stringify(literals)}`;
  }
  return undefined;
}

function versionBreaks(
  consumer: string,
  detailType: string,
  spec: ConsumedEvent,
  contracts: ContractSet,
) {
  const current = contracts.current[detailType];
  const published = contracts
    .versionsOf(detailType)
    .filter((v) => current !== undefined && byVersion(v, current) <= 0);
  return published
    .filter((v) => !spec.accepts.includes(v))
    .map((version) => ({
      consumer,
      detailType,
      version,
      field: '/metadata/schemaVersion',
      reason:
        version === current
          ? `${consumer} does not accept ${detailType} v${version}, which producers publish now (it accepts v${spec.accepts.join(', v')})`
          : `${consumer} does not accept ${detailType} v${version}, which the archive may hold: a replay would dead-letter it`,
    }));
}

function consumedEventBreaks(
  consumer: string,
  detailType: string,
  spec: ConsumedEvent,
  contracts: ContractSet,
): ConsumerBreak[] {
  const breaks: ConsumerBreak[] = versionBreaks(consumer, detailType, spec, contracts);
  const reading = contracts.find(detailType, spec.reads.version);
  const version = spec.reads.version;
  if (!reading) {
    const reason = `${consumer} reads ${detailType} v${version}, which no contract defines`;
    return [...breaks, { consumer, detailType, version, field: '/metadata/schemaVersion', reason }];
  }
  for (const [field, read] of Object.entries(spec.reads.fields)) {
    for (const problem of readProblems(field, read, reading.schema as SchemaNode)) {
      const reason = `${consumer} reads ${field} as ${describeRead(read)}; the schema of ${detailType} v${version} ${problem}`;
      breaks.push({ consumer, detailType, version, field, reason });
    }
  }
  for (const contract of contracts.contracts.filter((c) => c.detailType === detailType)) {
    for (const match of spec.matches) {
      const problem = matchProblem(match, contract.schema as SchemaNode, contract.source);
      if (!problem) continue;
      const condition = JSON.stringify(match.condition);
      const reason = `${consumer}'s rule ${match.rule} matches on ${match.field} (${condition}); ${detailType} v${contract.version} ${problem}`;
      breaks.push({ consumer, detailType, version: contract.version, field: match.field, reason });
    }
  }
  return breaks;
}

/**
 * The producer's side of the consumer contracts: checks what every consumer declares it
 * reads and matches on against the contracts (their current schemas and examples), and
 * that it accepts every version producers publish now or published before (the archive
 * may hold them). An empty list means no consumer is broken.
 *
 * @example verifyConsumers([ledgerContract]) // [] when the contracts give ledger what it reads
 */
function verifyConsumers(
  consumers: readonly ConsumerContract[],
  contracts: ContractSet = shippedContracts,
): ConsumerBreak[] {
  return consumers.flatMap((c) =>
    Object.entries(c.events).flatMap(([detailType, spec]) =>
      spec ? consumedEventBreaks(c.consumer, detailType, spec, contracts) : [],
    ),
  );
}

export type { ConsumerBreak };
export { verifyConsumers };
