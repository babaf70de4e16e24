import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { Grant, type IGrantable } from 'aws-cdk-lib/aws-iam';

/**
 * Grants `events:PutEvents` on exactly one bus, for one `source` only (condition
 * `events:source`): the identity half of "a service publishes only its own source"; the
 * bus policy is the other half.
 *
 * @example grantPutEventsAs(fn, bus, 'txnflow.ledger')
 */
function grantPutEventsAs(grantee: IGrantable, eventBus: IEventBus, source: string): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions: ['events:PutEvents'],
    resourceArns: [eventBus.eventBusArn],
    conditions: { StringEquals: { 'events:source': source } },
  });
}

/**
 * Grants `events:DescribeEventBus` on exactly one bus: a publishing function checks at cold
 * start that its bus exists, since PutEvents to a missing bus succeeds and drops the event.
 *
 * @example grantDescribeEventBus(fn, bus)
 */
function grantDescribeEventBus(grantee: IGrantable, eventBus: IEventBus): Grant {
  return Grant.addToPrincipal({
    grantee,
    actions: ['events:DescribeEventBus'],
    resourceArns: [eventBus.eventBusArn],
  });
}

export { grantDescribeEventBus, grantPutEventsAs };
