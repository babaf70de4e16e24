import {
  type CloudFormationClient,
  ListStackResourcesCommand,
  type StackResourceSummary,
} from '@aws-sdk/client-cloudformation';
import type { ServiceManifest } from '@txnflow/contracts';
import { stackName } from '../../cdk/names.ts';
import { TraceError } from '../../trace/errors.ts';

/** A function's log group, and the service it logs for. */
interface ServiceLogGroup {
  readonly service: string;
  readonly name: string;
}

/** A dead-letter queue of the stage, by its manifest name (`LedgerTransactionsDLQ`). */
interface StageDeadLetterQueue {
  readonly name: string;
  readonly url: string;
  readonly kind: 'queue' | 'rule';
}

/** What a trace on AWS reads: the functions' log groups and the dead-letter queues. */
interface StageResources {
  readonly logGroups: readonly ServiceLogGroup[];
  readonly deadLetterQueues: readonly StageDeadLetterQueue[];
}

/** A service's stack is not deployed in this account and region. */
class StageNotDeployedError extends TraceError {
  readonly stackName: string;

  constructor(stack: string, options?: ErrorOptions) {
    super(
      `the stack ${stack} is not deployed here (check the stage, AWS_REGION and AWS_PROFILE)`,
      options,
    );
    this.name = 'StageNotDeployedError';
    this.stackName = stack;
  }
}

async function resourcesOf(
  client: CloudFormationClient,
  stack: string,
): Promise<StackResourceSummary[]> {
  const resources: StackResourceSummary[] = [];
  let nextToken: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListStackResourcesCommand({
          StackName: stack,
          ...(nextToken ? { NextToken: nextToken } : {}),
        }),
      );
      resources.push(...(page.StackResourceSummaries ?? []));
      nextToken = page.NextToken;
    } while (nextToken);
  } catch (error) {
    // CloudFormation answers a missing stack with a ValidationError "Stack with id ... does not exist".
    if ((error as { name?: string }).name === 'ValidationError') {
      throw new StageNotDeployedError(stack, { cause: error });
    }
    throw error;
  }
  return resources;
}

/** A CDK logical id: the construct path's ids joined, then 8 hex digits of hash. */
const logicalIdOf = (prefix: string) => new RegExp(`^${prefix}[0-9A-F]{8}$`);

/** The DLQ logical ids of a service's stack, as its constructs name them, by manifest name. */
function deadLetterIdsOf(
  manifest: ServiceManifest,
): { name: string; id: RegExp; kind: 'queue' | 'rule' }[] {
  return [
    ...manifest.queues.map((q) => ({
      name: `${q.name}DLQ`,
      id: logicalIdOf(`${q.name}DeadLettersQueue`),
      kind: 'queue' as const,
    })),
    ...manifest.subscriptions.map((s) => ({
      name: `${s.rule}DLQ`,
      id: logicalIdOf(`${s.rule}DLQQueue`),
      kind: 'rule' as const,
    })),
  ];
}

/**
 * Finds the stage's function log groups and dead-letter queues in the services' stacks
 * (`txnflow-<stage>-<service>`): CloudFormation names them, so their names are read from the
 * stacks (ListStackResources), by the logical ids the constructs give them.
 *
 * @example const resources = await discoverStage(new CloudFormationClient({}), 'dev', manifests);
 * @throws {StageNotDeployedError} when a service's stack does not exist.
 */
async function discoverStage(
  client: CloudFormationClient,
  stage: string,
  manifests: readonly ServiceManifest[],
): Promise<StageResources> {
  const logGroups: ServiceLogGroup[] = [];
  const deadLetterQueues: StageDeadLetterQueue[] = [];
  for (const manifest of manifests) {
    const resources = await resourcesOf(client, stackName(stage, manifest.service));
    const dlqs = deadLetterIdsOf(manifest);
    for (const resource of resources) {
      const id = resource.LogicalResourceId ?? '';
      const physical = resource.PhysicalResourceId;
      if (!physical) continue;
      // The event handlers' logs; not the query API's (ApiFunction), which logs requests.
      if (
        resource.ResourceType === 'AWS::Logs::LogGroup' &&
        /FunctionLogs[0-9A-F]{8}$/.test(id) &&
        !/ApiFunctionLogs[0-9A-F]{8}$/.test(id)
      ) {
        logGroups.push({ service: manifest.service, name: physical });
      }
      if (resource.ResourceType === 'AWS::SQS::Queue') {
        const dlq = dlqs.find((d) => d.id.test(id));
        if (dlq) deadLetterQueues.push({ name: dlq.name, url: physical, kind: dlq.kind });
      }
    }
  }
  return { logGroups, deadLetterQueues };
}

export type { ServiceLogGroup, StageDeadLetterQueue, StageResources };
export { discoverStage, StageNotDeployedError };
