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

export { grantPutEventsAs };
