import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** A command as the document client sends it: its class and input. */
interface SentCommand {
  readonly constructor: { readonly name: string };
  readonly input: { readonly TableName?: string; readonly Item?: Record<string, unknown> };
}

/**
 * A document client that drops the commands `fails` picks: they never reach DynamoDB and
 * the caller gets an error, as when the process dies or the network fails mid-commit.
 *
 * @example failingWrites(client, (c) => c.constructor.name === 'PutCommand')
 */
function failingWrites(
  client: DynamoDBDocumentClient,
  fails: (command: SentCommand) => boolean,
): DynamoDBDocumentClient {
  return new Proxy(client, {
    get(target, property, receiver) {
      if (property !== 'send') return Reflect.get(target, property, receiver);
      return async (command: SentCommand) => {
        if (fails(command)) {
          throw new Error(
            `${command.constructor.name} on ${command.input.TableName} lost in a crash`,
          );
        }
        return target.send(command as Parameters<DynamoDBDocumentClient['send']>[0]);
      };
    },
  });
}

export type { SentCommand };
export { failingWrites };
