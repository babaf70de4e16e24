import { ValidationError } from './errors.ts';

/** The name rules AWS applies, per kind of resource, so local names deploy unchanged. */
const NAME_RULES = {
  'event bus': /^[/.\-_A-Za-z0-9]{1,256}$/,
  rule: /^[.\-_A-Za-z0-9]{1,64}$/,
  target: /^[.\-_A-Za-z0-9]{1,64}$/,
  archive: /^[.\-_A-Za-z0-9]{1,48}$/,
  replay: /^[.\-_A-Za-z0-9]{1,64}$/,
  queue: /^[A-Za-z0-9_-]{1,80}$/,
  topic: /^[A-Za-z0-9_-]{1,256}$/,
  bucket: /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/,
  handler: /^[A-Za-z0-9_.:-]{1,140}$/,
} as const;

/** A kind of named resource. */
type ResourceKind = keyof typeof NAME_RULES;

/**
 * Checks a resource name against the AWS naming rule of its kind.
 *
 * @example assertName('queue', 'CustomerNotify')
 * @throws {ValidationError} naming the kind, the value and the rule.
 */
function assertName(kind: ResourceKind, name: unknown): asserts name is string {
  const rule = NAME_RULES[kind];
  if (typeof name !== 'string' || !rule.test(name)) {
    throw new ValidationError(
      `${kind} name ${JSON.stringify(name)} is not valid: it must match ${rule.source}`,
    );
  }
}

export type { ResourceKind };
export { assertName };
