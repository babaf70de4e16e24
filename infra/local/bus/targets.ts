import type { Arns } from '../arns.ts';
import type { InputTransformer } from '../delivery/input-transformer.ts';
import { compilePayload, type PayloadRenderer } from '../delivery/payload.ts';
import { ValidationError } from '../errors.ts';
import { assertName } from '../names.ts';

/** Where a rule sends matching events: an in-process handler ("Lambda"), a queue or a topic. */
type TargetDestination =
  | { readonly kind: 'handler'; readonly name: string }
  | { readonly kind: 'queue'; readonly name: string }
  | { readonly kind: 'topic'; readonly name: string };

/** EventBridge's RetryPolicy of a target. */
interface RetryPolicy {
  /** Retries after the first attempt, 0 to 185. @default - the runtime's `retry.maxAttempts` - 1 */
  readonly maximumRetryAttempts?: number;
  /** Give up once the event is older than this, 60 to 86400. @default - no age limit */
  readonly maximumEventAgeSeconds?: number;
}

/** One target of a rule, as `putTargets` takes it. */
interface TargetSpec {
  /** Unique within the rule; putting the same id again replaces the target. */
  readonly id: string;
  readonly target: TargetDestination;
  /** Sends only this part of the event, e.g. `$.detail`. Excludes `inputTransformer`. */
  readonly inputPath?: string;
  readonly inputTransformer?: InputTransformer;
  readonly retryPolicy?: RetryPolicy;
  /** Queue that receives the event once every attempt failed. @default - recorded as failed */
  readonly deadLetterQueue?: string;
}

/** A target ready to deliver to: its input compiled, its limits resolved. */
interface CompiledTarget {
  /** The row id that deliveries point at. */
  readonly rowId: number;
  readonly id: string;
  readonly ruleName: string;
  readonly ruleArn: string;
  readonly arn: string;
  readonly destination: TargetDestination;
  readonly maxAttempts: number | undefined;
  readonly maxEventAgeMs: number | undefined;
  readonly deadLetterQueue: string | undefined;
  /** Whether the target gets the event itself (no InputPath, no InputTransformer). */
  readonly wholeEvent: boolean;
  readonly render: PayloadRenderer;
}

const TARGET_KINDS = ['handler', 'queue', 'topic'] as const;

/**
 * Checks a target as PutTargets would (ids, destinations, exclusive input options, retry
 * policy ranges, the input path or transformer itself).
 *
 * @example validateTarget({ id: 'T1', target: { kind: 'queue', name: 'Orders' } })
 * @throws {ValidationError} saying which target and what is wrong.
 */
function validateTarget(spec: TargetSpec): void {
  assertName('target', spec.id);
  const { target } = spec;
  if (!target || !TARGET_KINDS.includes(target.kind)) {
    throw new ValidationError(`Target ${spec.id}: kind must be one of ${TARGET_KINDS.join(', ')}`);
  }
  assertName(target.kind === 'handler' ? 'handler' : target.kind, target.name);
  if (spec.inputPath !== undefined && spec.inputTransformer !== undefined) {
    throw new ValidationError(
      `Target ${spec.id}: only one of inputPath and inputTransformer may be given`,
    );
  }
  if (spec.deadLetterQueue !== undefined) assertName('queue', spec.deadLetterQueue);
  const retries = spec.retryPolicy?.maximumRetryAttempts;
  if (retries !== undefined && !(Number.isInteger(retries) && retries >= 0 && retries <= 185)) {
    throw new ValidationError(`Target ${spec.id}: maximumRetryAttempts must be 0 to 185`);
  }
  const age = spec.retryPolicy?.maximumEventAgeSeconds;
  if (age !== undefined && !(Number.isInteger(age) && age >= 60 && age <= 86400)) {
    throw new ValidationError(`Target ${spec.id}: maximumEventAgeSeconds must be 60 to 86400`);
  }
  compilePayload({ ruleName: '', ruleArn: '', targetId: spec.id, ...inputOf(spec) });
}

function inputOf(spec: TargetSpec) {
  return {
    ...(spec.inputPath !== undefined ? { inputPath: spec.inputPath } : {}),
    ...(spec.inputTransformer !== undefined ? { inputTransformer: spec.inputTransformer } : {}),
  };
}

/**
 * Compiles a stored target for delivery.
 *
 * @example compileTarget(7, spec, { name: 'OnOrder', arn }, arns)
 */
function compileTarget(
  rowId: number,
  spec: TargetSpec,
  rule: { readonly name: string; readonly arn: string },
  arns: Arns,
): CompiledTarget {
  const { target } = spec;
  const arn =
    target.kind === 'handler'
      ? arns.function(target.name)
      : target.kind === 'queue'
        ? arns.queue(target.name)
        : arns.topic(target.name);
  const retries = spec.retryPolicy?.maximumRetryAttempts;
  const age = spec.retryPolicy?.maximumEventAgeSeconds;
  return {
    rowId,
    id: spec.id,
    ruleName: rule.name,
    ruleArn: rule.arn,
    arn,
    destination: target,
    maxAttempts: retries === undefined ? undefined : retries + 1,
    maxEventAgeMs: age === undefined ? undefined : age * 1000,
    deadLetterQueue: spec.deadLetterQueue,
    wholeEvent: spec.inputPath === undefined && spec.inputTransformer === undefined,
    // Checked when it was put; a target stored by an older runtime still opens.
    render: compilePayload({
      ruleName: rule.name,
      ruleArn: rule.arn,
      targetId: spec.id,
      strict: false,
      ...inputOf(spec),
    }),
  };
}

export type { CompiledTarget, RetryPolicy, TargetDestination, TargetSpec };
export { compileTarget, validateTarget };
