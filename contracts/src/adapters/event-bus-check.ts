import {
  DescribeEventBusCommand,
  type EventBridgeClient,
  ResourceNotFoundException,
} from '@aws-sdk/client-eventbridge';
import { ContractError } from '../errors.ts';
import { LambdaEnv } from './lambda-environment.ts';

/**
 * The bus a function publishes to does not exist. PutEvents would not say so: EventBridge
 * answers an EventId and no failed entry for a bus that does not exist, and drops the event
 * (aws/aws-sdk#186, aws/aws-cli#9186). So the function refuses to start instead.
 */
class EventBusNotFoundError extends ContractError {
  readonly eventBusName: string;

  constructor(eventBusName: string, options?: ErrorOptions) {
    super(
      `event bus "${eventBusName}" (from ${LambdaEnv.eventBusName}) does not exist in this account and Region: ` +
        'every event published to it would be dropped without an error. Deploy the bus stack of this ' +
        `stage, or correct ${LambdaEnv.eventBusName}.`,
      options,
    );
    this.name = 'EventBusNotFoundError';
    this.eventBusName = eventBusName;
  }
}

/**
 * Cold-start check of a publishing function: DescribeEventBus on the bus it publishes to, so
 * that a misconfigured bus name fails the function loudly rather than losing every event.
 * Needs `events:DescribeEventBus` on that bus.
 *
 * @example await assertEventBusExists(new EventBridgeClient({}), 'txnflow-dev');
 * @throws {EventBusNotFoundError} when EventBridge says the bus does not exist; any other
 *   error (AccessDenied, say) as EventBridge gave it.
 */
async function assertEventBusExists(
  client: EventBridgeClient,
  eventBusName: string,
): Promise<void> {
  try {
    await client.send(new DescribeEventBusCommand({ Name: eventBusName }));
  } catch (error) {
    if (error instanceof ResourceNotFoundException) {
      throw new EventBusNotFoundError(eventBusName, { cause: error });
    }
    throw error;
  }
}

export { assertEventBusExists, EventBusNotFoundError };
