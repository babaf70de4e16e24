import type { Database, Statement } from 'better-sqlite3';
import type { Arns } from '../arns.ts';
import { busNameOf } from '../arns.ts';
import {
  InconsistentStateError,
  LimitExceededError,
  ResourceNotFoundError,
  ValidationError,
} from '../errors.ts';
import { compileEventPattern } from '../event-pattern/index.ts';
import { assertName } from '../names.ts';
import { DEFAULT_BUS, type EventBuses } from './buses.ts';
import { type CompiledTarget, compileTarget, type TargetSpec, validateTarget } from './targets.ts';

/** Whether a rule routes events; a disabled rule keeps its targets but matches nothing. */
const RuleState = { Enabled: 'ENABLED', Disabled: 'DISABLED' } as const;
type RuleState = (typeof RuleState)[keyof typeof RuleState];

interface PutRuleParams {
  readonly name: string;
  /** @default 'default' */
  readonly eventBusName?: string;
  /** An EventBridge event pattern, as an object or JSON text; validated like PutRule does. */
  readonly eventPattern: object | string;
  /** @default 'ENABLED' */
  readonly state?: RuleState;
}

interface PutTargetsParams {
  readonly rule: string;
  /** @default 'default' */
  readonly eventBusName?: string;
  readonly targets: readonly TargetSpec[];
}

/** A rule as the router uses it: its pattern compiled once, its targets compiled. */
interface CompiledRule {
  readonly id: number;
  readonly name: string;
  readonly busId: number;
  readonly arn: string;
  readonly state: RuleState;
  readonly matches: (event: object) => boolean;
  readonly targets: readonly CompiledTarget[];
}

/** A rule as listings show it. */
interface RuleDescription {
  readonly name: string;
  readonly eventBusName: string;
  readonly arn: string;
  readonly state: RuleState;
  readonly eventPattern: string;
  readonly targets: readonly string[];
}

/** AWS's quota of targets per rule. */
const MAX_TARGETS_PER_RULE = 5;

interface RuleRow {
  id: number;
  bus_id: number;
  name: string;
  pattern: string;
  state: RuleState;
}

interface TargetRow {
  id: number;
  rule_id: number;
  target_key: string;
  config: string;
}

/**
 * Rules and their targets: stored in SQLite, compiled and cached per bus in memory, because
 * every PutEvents matches against them. `put` and `putTargets` replace the cached entries.
 *
 * @example rules.put({ name: 'OnOrder', eventBusName: 'shop', eventPattern: { source: ['shop'] } });
 */
class Rules {
  readonly #db: Database;
  readonly #arns: Arns;
  readonly #buses: EventBuses;
  readonly #upsertRule: Statement<[number, string, string, string], RuleRow>;
  readonly #upsertTarget: Statement<[number, string, string]>;
  readonly #selectRule: Statement<[number], RuleRow>;
  readonly #selectTargets: Statement<[number], TargetRow>;
  readonly #byId = new Map<number, CompiledRule>();
  readonly #byBus = new Map<number, CompiledRule[]>();
  readonly #targets = new Map<number, CompiledTarget>();

  constructor(db: Database, arns: Arns, buses: EventBuses) {
    this.#db = db;
    this.#arns = arns;
    this.#buses = buses;
    this.#upsertRule = db.prepare(
      'INSERT INTO rt_rules (bus_id, name, pattern, state) VALUES (?, ?, ?, ?) ' +
        'ON CONFLICT (bus_id, name) DO UPDATE SET pattern = excluded.pattern, state = excluded.state ' +
        'RETURNING *',
    );
    this.#upsertTarget = db.prepare(
      'INSERT INTO rt_targets (rule_id, target_key, config) VALUES (?, ?, ?) ' +
        'ON CONFLICT (rule_id, target_key) DO UPDATE SET config = excluded.config',
    );
    this.#selectRule = db.prepare('SELECT * FROM rt_rules WHERE id = ?');
    this.#selectTargets = db.prepare('SELECT * FROM rt_targets WHERE rule_id = ? ORDER BY id');
    for (const row of db.prepare('SELECT * FROM rt_rules ORDER BY id').all() as RuleRow[]) {
      this.#cache(row);
    }
  }

  /**
   * Creates or replaces a rule (PutRule); the pattern is validated and compiled here.
   *
   * @throws {InvalidEventPatternError} when EventBridge would refuse the pattern.
   */
  put(params: PutRuleParams): { ruleArn: string } {
    assertName('rule', params.name);
    const busName = busNameOf(params.eventBusName ?? DEFAULT_BUS);
    const busId = this.#buses.require(busName);
    const state = params.state ?? RuleState.Enabled;
    if (state !== RuleState.Enabled && state !== RuleState.Disabled) {
      throw new ValidationError(`Rule state must be ENABLED or DISABLED, got ${String(state)}`);
    }
    const pattern =
      typeof params.eventPattern === 'string'
        ? params.eventPattern
        : JSON.stringify(params.eventPattern);
    compileEventPattern(pattern);
    const row = this.#upsertRule.get(busId, params.name, pattern, state);
    if (!row) throw new InconsistentStateError(`rule ${params.name} was not written`);
    return { ruleArn: this.#cache(row).arn };
  }

  /**
   * Adds or replaces targets of a rule (PutTargets), at most five per rule as on AWS.
   *
   * @throws {ResourceNotFoundError} when the rule does not exist.
   * @throws {LimitExceededError} when the rule would have more than five targets.
   */
  putTargets(params: PutTargetsParams): { FailedEntryCount: 0; FailedEntries: [] } {
    const busId = this.#buses.require(busNameOf(params.eventBusName ?? DEFAULT_BUS));
    const rule = this.find(busId, params.rule);
    if (!rule) throw new ResourceNotFoundError('Rule', params.rule);
    if (!Array.isArray(params.targets) || params.targets.length === 0) {
      throw new ValidationError('putTargets needs at least one target');
    }
    for (const spec of params.targets) validateTarget(spec);
    const ids = new Set([...rule.targets.map((t) => t.id), ...params.targets.map((t) => t.id)]);
    if (ids.size > MAX_TARGETS_PER_RULE) {
      throw new LimitExceededError(
        `The requested number of targets (${ids.size}) exceeds the limit of ${MAX_TARGETS_PER_RULE} targets per rule ${rule.name}.`,
      );
    }
    this.#db.transaction(() => {
      for (const spec of params.targets) {
        this.#upsertTarget.run(rule.id, spec.id, JSON.stringify(spec));
      }
    })();
    const row = this.#selectRule.get(rule.id);
    if (row) this.#cache(row);
    return { FailedEntryCount: 0, FailedEntries: [] };
  }

  /** The rules of a bus, enabled or not, in creation order. */
  forBus(busId: number): readonly CompiledRule[] {
    return this.#byBus.get(busId) ?? [];
  }

  find(busId: number, name: string): CompiledRule | undefined {
    return this.forBus(busId).find((rule) => rule.name === name);
  }

  /** The target a delivery points at; `undefined` once its rule no longer has it. */
  target(rowId: number): CompiledTarget | undefined {
    return this.#targets.get(rowId);
  }

  /** Every rule, or those of one bus, for listings. */
  list(eventBusName?: string): RuleDescription[] {
    const rules = [...this.#byId.values()].filter(
      (rule) => eventBusName === undefined || this.#buses.nameOf(rule.busId) === eventBusName,
    );
    return rules.map((rule) => ({
      name: rule.name,
      eventBusName: this.#buses.nameOf(rule.busId),
      arn: rule.arn,
      state: rule.state,
      eventPattern: (this.#selectRule.get(rule.id) as RuleRow).pattern,
      targets: rule.targets.map((target) => target.id),
    }));
  }

  /**
   * A rule's targets as they were put (ListTargetsByRule): retry policy and dead-letter
   * queue included.
   *
   * @throws {ResourceNotFoundError} when the rule does not exist.
   */
  targetsOf(params: { readonly rule: string; readonly eventBusName?: string }): TargetSpec[] {
    const busId = this.#buses.require(busNameOf(params.eventBusName ?? DEFAULT_BUS));
    const rule = this.find(busId, params.rule);
    if (!rule) throw new ResourceNotFoundError('Rule', params.rule);
    return this.#selectTargets.all(rule.id).map((t) => JSON.parse(t.config) as TargetSpec);
  }

  #cache(row: RuleRow): CompiledRule {
    const busName = this.#buses.nameOf(row.bus_id);
    const arn = this.#arns.rule(busName, row.name);
    const previous = this.#byId.get(row.id);
    for (const target of previous?.targets ?? []) this.#targets.delete(target.rowId);
    const targets = this.#selectTargets.all(row.id).map((t) => {
      const spec = JSON.parse(t.config) as TargetSpec;
      return compileTarget(t.id, spec, { name: row.name, arn }, this.#arns);
    });
    for (const target of targets) this.#targets.set(target.rowId, target);
    const pattern = compileEventPattern(row.pattern);
    const rule: CompiledRule = {
      id: row.id,
      name: row.name,
      busId: row.bus_id,
      arn,
      state: row.state,
      matches: (event) => pattern.matches(event),
      targets,
    };
    this.#byId.set(row.id, rule);
    const siblings = (this.#byBus.get(row.bus_id) ?? []).filter((r) => r.id !== row.id);
    siblings.push(rule);
    siblings.sort((a, b) => a.id - b.id);
    this.#byBus.set(row.bus_id, siblings);
    return rule;
  }
}

export type { CompiledRule, PutRuleParams, PutTargetsParams, RuleDescription };
export { MAX_TARGETS_PER_RULE, RuleState, Rules };
