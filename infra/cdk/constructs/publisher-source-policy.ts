import type { EventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { SERVICE_TAG } from '../names.ts';

/** A service and the one `source` it publishes under. */
interface Publisher {
  readonly service: string;
  readonly source: string;
}

interface PublisherSourcePolicyProps {
  readonly eventBus: EventBus;
  readonly publishers: readonly Publisher[];
}

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

/**
 * The bus policy that makes each `source` belong to one service. Explicit denies, because
 * an allow in a resource policy cannot take away what an identity policy grants (an admin,
 * or a role granted `events:PutEvents` on the bus): for each service, PutEvents is denied
 *
 * - with `events:source` = its source, to any principal whose `aws:PrincipalTag/txnflow-service`
 *   is not that service (an untagged principal included: a missing key is "not equal");
 * - with any other source, to the principals tagged as that service.
 *
 * Each service function's role carries the tag (see ServiceFunction), and is granted
 * PutEvents with the same `events:source` condition in its own policy.
 *
 * @example new PublisherSourcePolicy(this, 'PublisherSourcePolicy', { eventBus, publishers })
 */
class PublisherSourcePolicy extends Construct {
  constructor(scope: Construct, id: string, props: PublisherSourcePolicyProps) {
    super(scope, id);
    const tagKey = `aws:PrincipalTag/${SERVICE_TAG}`;
    for (const { service, source } of props.publishers) {
      const deny = (sid: string, conditions: Record<string, Record<string, string>>) =>
        props.eventBus.addToResourcePolicy(
          new PolicyStatement({
            sid,
            effect: Effect.DENY,
            principals: [new AnyPrincipal()],
            actions: ['events:PutEvents'],
            resources: [props.eventBus.eventBusArn],
            conditions,
          }),
        );
      deny(`Only${pascal(service)}Publishes${pascal(service)}Source`, {
        StringEquals: { 'events:source': source },
        StringNotEquals: { [tagKey]: service },
      });
      deny(`${pascal(service)}PublishesOnlyItsSource`, {
        StringEquals: { [tagKey]: service },
        StringNotEquals: { 'events:source': source },
      });
    }
  }
}

export type { Publisher, PublisherSourcePolicyProps };
export { PublisherSourcePolicy };
