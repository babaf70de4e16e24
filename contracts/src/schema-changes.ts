import type { EventContract } from './catalogue.ts';
import { type BreakingChange, findBreakingChanges } from './compatibility.ts';
import type { ConsumerContract } from './consumer-contract.ts';
import { byVersion, createContractSet } from './contract-set.ts';
import type { ValidationIssue } from './errors.ts';
import { type ConsumerBreak, verifyConsumers } from './verify-consumers.ts';

/**
 * How each schema of the working tree stands against its released copy, for a person to
 * read (`npm run contracts:check`) and for CI to refuse a breaking change made in place.
 */

/** An archived event (a released example stands for the archive) the schema now rejects. */
interface UnreadableEvent {
  readonly event: string;
  readonly issues: readonly ValidationIssue[];
}

/** A schema change and what it breaks; a new version is how a breaking change ships. */
type SchemaChange =
  | {
      readonly kind: 'unchanged' | 'compatible';
      readonly contract: EventContract;
      readonly changed: readonly string[];
    }
  | {
      readonly kind: 'breaking';
      readonly contract: EventContract;
      readonly changes: readonly BreakingChange[];
      readonly consumers: readonly ConsumerBreak[];
      readonly unreadable: readonly UnreadableEvent[];
    }
  | {
      readonly kind: 'new-version';
      readonly contract: EventContract;
      readonly previous: string;
      /** Why it had to be a new version: what breaks against the previous one. */
      readonly changes: readonly BreakingChange[];
      readonly consumers: readonly ConsumerBreak[];
    }
  | { readonly kind: 'new-event'; readonly contract: EventContract }
  | { readonly kind: 'removed'; readonly released: EventContract };

interface SchemaChangeSources {
  /** The contracts as the working tree has them. */
  readonly contracts: readonly EventContract[];
  /** The released copy of each contract version (contracts/released/). */
  readonly released: readonly EventContract[];
  /** The version producers publish now, by detail-type. */
  readonly current: Readonly<Record<string, string>>;
  readonly consumers: readonly ConsumerContract[];
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The JSON Pointers of a schema document that differ between two versions of it.
 *
 * @example schemaDiff({ a: 1 }, { a: 1, b: 2 }) // ['added /b']
 */
function schemaDiff(before: unknown, after: unknown, at = ''): string[] {
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])];
    return keys.flatMap((k) => {
      const path = `${at}/${k}`;
      if (!(k in before)) return [`added ${path}`];
      if (!(k in after)) return [`removed ${path}`];
      return schemaDiff(before[k], after[k], path);
    });
  }
  return JSON.stringify(before) === JSON.stringify(after) ? [] : [`changed ${at || '/'}`];
}

const sameVersion = (a: EventContract) => (b: EventContract) =>
  a.detailType === b.detailType && a.version === b.version;

/** The released copy's examples that the current schema of the same version rejects. */
function unreadableArchive(released: EventContract, current: EventContract): UnreadableEvent[] {
  const set = createContractSet([current], {});
  return ((released.schema.examples ?? []) as Json[]).flatMap((example, i) => {
    const result = set.validate(current.detailType, current.version, example);
    if (result.ok) return [];
    const id = isObject(example.metadata) ? ` (event ${example.metadata.eventId})` : '';
    return [{ event: `released example #${i + 1}${id}`, issues: result.issues }];
  });
}

function changeOf(
  contract: EventContract,
  sources: SchemaChangeSources,
  allBreaks: readonly ConsumerBreak[],
): SchemaChange {
  const released = sources.released.find(sameVersion(contract));
  const consumers = allBreaks.filter(
    (b) => b.detailType === contract.detailType && b.version === contract.version,
  );
  if (!released) {
    const previous = sources.contracts
      .filter(
        (c) => c.detailType === contract.detailType && byVersion(c.version, contract.version) < 0,
      )
      .sort((a, b) => byVersion(a.version, b.version))
      .pop();
    if (!previous) return { kind: 'new-event', contract };
    // Its schemaVersion differs from the previous one's by definition: not a finding.
    const changes = findBreakingChanges(previous.schema, contract.schema).filter(
      (c) => c.path !== '/metadata/schemaVersion',
    );
    return { kind: 'new-version', contract, previous: previous.version, changes, consumers };
  }
  const changed = schemaDiff(released.schema, contract.schema);
  const changes = findBreakingChanges(released.schema, contract.schema);
  const unreadable = unreadableArchive(released, contract);
  if (changes.length > 0 || consumers.length > 0 || unreadable.length > 0) {
    return { kind: 'breaking', contract, changes, consumers, unreadable };
  }
  return { kind: changed.length > 0 ? 'compatible' : 'unchanged', contract, changed };
}

/**
 * Classifies every schema of the working tree against its released copy: unchanged;
 * compatible (release it by copying it into released/); breaking (changed in place in a way
 * that breaks a consumer's contract, an archived event or a released guarantee: it needs a
 * new version); a new version or a new event (not released yet); or a released version
 * whose schema is gone (archived events of it could no longer be read).
 *
 * @example classifySchemaChanges({ contracts: eventContracts, released, current: CURRENT_VERSION, consumers })
 */
function classifySchemaChanges(sources: SchemaChangeSources): SchemaChange[] {
  const removed: SchemaChange[] = sources.released
    .filter((r) => !sources.contracts.some(sameVersion(r)))
    .map((released) => ({ kind: 'removed', released }));
  // A current version whose schema is gone is reported as removed; the rest is checked.
  const current = Object.fromEntries(
    Object.entries(sources.current).filter(([detailType, version]) =>
      sources.contracts.some((c) => c.detailType === detailType && c.version === version),
    ),
  );
  const breaks = verifyConsumers(sources.consumers, createContractSet(sources.contracts, current));
  return [...sources.contracts.map((c) => changeOf(c, sources, breaks)), ...removed];
}

/**
 * Whether a change may not ship as it is: it needs a new version instead.
 *
 * @example classifySchemaChanges(sources).some(needsNewVersion) // false when it may ship
 */
const needsNewVersion = (change: SchemaChange): boolean =>
  change.kind === 'breaking' || change.kind === 'removed';

export type { SchemaChange, SchemaChangeSources, UnreadableEvent };
export { classifySchemaChanges, needsNewVersion, schemaDiff };
