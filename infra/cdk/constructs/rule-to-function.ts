import type { RetryPolicy } from '@txnflow/contracts';
import { Duration } from 'aws-cdk-lib';
import type { Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { createRule, deliveryPolicy, type RuleDeliveryProps } from './rule-delivery.ts';

interface RuleToFunctionProps extends RuleDeliveryProps {
  /** Invoked asynchronously; give it the same dead-letter queue for its own failures. */
  readonly handler: IFunction;
  /** Lambda's retries of a failed asynchronous invocation, as the manifest resolves them. */
  readonly invocationRetryPolicy: RetryPolicy;
}

/**
 * A rule invoking a function asynchronously. Two hops, each with retries and the same
 * dead-letter queue: EventBridge to Lambda (the target's retry policy and DLQ), then the
 * function's own failures (Lambda's async retries, then the function's DLQ).
 *
 * @example new RuleToFunction(this, 'HighBalanceToAlerting', { eventBus, eventPattern, description, handler, deadLetterQueue, retryPolicy, invocationRetryPolicy })
 */
class RuleToFunction extends Construct {
  readonly rule: Rule;

  constructor(scope: Construct, id: string, props: RuleToFunctionProps) {
    super(scope, id);
    this.rule = createRule(this, props);
    this.rule.addTarget(new LambdaFunction(props.handler, deliveryPolicy(props)));
    props.handler.configureAsyncInvoke({
      retryAttempts: props.invocationRetryPolicy.maximumRetryAttempts,
      maxEventAge: Duration.seconds(props.invocationRetryPolicy.maximumEventAgeSeconds),
    });
  }
}

export type { RuleToFunctionProps };
export { RuleToFunction };
