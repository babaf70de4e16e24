import { Stack } from 'aws-cdk-lib';
import type { CfnEventBus, EventBus } from 'aws-cdk-lib/aws-events';
import { AnyPrincipal, Effect, PolicyDocument, PolicyStatement } from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { busName, SERVICE_TAG, serviceRolePath } from '../names.ts';

/** A service and the one `source` it publishes under. */
interface Publisher {
  readonly service: string;
  readonly source: string;
}

interface PublisherSourcePolicyProps {
  /** The stage's bus, named `busName(stage)`. */
  readonly eventBus: EventBus;
  /** In the bus name and the role paths the policy trusts (`/txnflow/<stage>/<service>/`). */
  readonly stage: string;
  readonly publishers: readonly Publisher[];
}

const pascal = (name: string): string => name.charAt(0).toUpperCase() + name.slice(1);

type Conditions = Record<string, Record<string, string>>;

/**
 * The bus policy that makes each `source` belong to one service, set as the bus's own
 * `Policy` rather than as one `AWS::Events::EventBusPolicy` per statement: a statement id is
 * that resource's physical id, unique in the account and region, so two stages could not
 * both deploy theirs. Nothing else may add statements to this bus (they would overwrite each
 * other). The statement ids differ from the `cdk-…` ids of the per-statement resources this
 * replaces, whose deletion on upgrade removes statements by id.
 *
 * Explicit denies, because an allow in a resource policy cannot take away what an identity
 * policy grants (an admin, or a role granted `events:PutEvents` on the bus). For each
 * service, PutEvents is denied
 *
 * - with `events:source` = its source, to any principal whose `aws:PrincipalTag/txnflow-service`
 *   is not that service (an untagged principal included: a missing key is "not equal");
 * - with `events:source` = its source, to any principal that is not a role under the
 *   service's path (`aws:PrincipalArn` of a role session is the role's ARN, path included):
 *   a session tag can set `aws:PrincipalTag`, it cannot move a role;
 * - with any other source, to the principals tagged as that service, and to its roles.
 *
 * Each service function's role carries the tag and the path (see ServiceFunction), and is
 * granted PutEvents with the same `events:source` condition in its own policy.
 *
 * @example new PublisherSourcePolicy(this, 'PublisherSourcePolicy', { eventBus, stage: 'dev', publishers })
 */
class PublisherSourcePolicy extends Construct {
  readonly document: PolicyDocument;

  constructor(scope: Construct, id: string, props: PublisherSourcePolicyProps) {
    super(scope, id);
    const stack = Stack.of(this);
    // Built from the name, not the bus's ARN attribute: the policy is a property of the bus.
    const busArn = stack.formatArn({
      service: 'events',
      resource: 'event-bus',
      resourceName: busName(props.stage),
    });
    const tagKey = `aws:PrincipalTag/${SERVICE_TAG}`;
    const deny = (sid: string, conditions: Conditions) =>
      new PolicyStatement({
        sid,
        effect: Effect.DENY,
        principals: [new AnyPrincipal()],
        actions: ['events:PutEvents'],
        resources: [busArn],
        conditions,
      });
    this.document = new PolicyDocument({
      statements: props.publishers.flatMap(({ service, source }) => {
        const name = pascal(service);
        const roles = stack.formatArn({
          service: 'iam',
          region: '',
          resource: 'role',
          resourceName: `${serviceRolePath(props.stage, service).slice(1)}*`,
        });
        return [
          deny(`OnlyTagged${name}Publishes${name}Source`, {
            StringEquals: { 'events:source': source },
            StringNotEquals: { [tagKey]: service },
          }),
          deny(`Only${name}RolesPublish${name}Source`, {
            StringEquals: { 'events:source': source },
            ArnNotLike: { 'aws:PrincipalArn': roles },
          }),
          deny(`Tagged${name}PublishesOnlyItsSource`, {
            StringEquals: { [tagKey]: service },
            StringNotEquals: { 'events:source': source },
          }),
          deny(`${name}RolesPublishOnlyTheirSource`, {
            ArnLike: { 'aws:PrincipalArn': roles },
            StringNotEquals: { 'events:source': source },
          }),
        ];
      }),
    });
    (props.eventBus.node.defaultChild as CfnEventBus).policy = this.document;
  }
}

export type { Publisher, PublisherSourcePolicyProps };
export { PublisherSourcePolicy };
