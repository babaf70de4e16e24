import { type DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { UploadTasks } from '../../ports.ts';

/** The tasks of a phase, as a DynamoDB number set comes back through the document client. */
const sizeOf = (done: unknown): number => (done instanceof Set ? done.size : 0);

/**
 * The UploadTasks port on DynamoDB: one item per phase of a chunked upload (partition key
 * `phaseId`), its tasks done in a number set `done`. Marking a task is one UpdateItem that
 * ADDs it to the set and returns the set: adding a member twice changes nothing, so a task
 * retried or delivered twice counts once, and the count each caller reads includes every
 * task marked before it (an item's updates are serialized). The item grows by a few bytes
 * per task: a phase of 1,000 chunks is an item of about 4 KB.
 *
 * @example new DynamoDbUploadTasks(documentClient, 'UploadTasks-abc')
 */
class DynamoDbUploadTasks implements UploadTasks {
  readonly #client: DynamoDBDocumentClient;
  readonly #table: string;

  constructor(client: DynamoDBDocumentClient, table: string) {
    this.#client = client;
    this.#table = table;
  }

  async markDone(phaseId: string, task: number): Promise<number> {
    const output = await this.#client.send(
      new UpdateCommand({
        TableName: this.#table,
        Key: { phaseId },
        UpdateExpression: 'ADD done :task',
        ExpressionAttributeValues: { ':task': new Set([task]) },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    return sizeOf(output.Attributes?.done);
  }

  async countDone(phaseId: string): Promise<number> {
    const output = await this.#client.send(
      new GetCommand({ TableName: this.#table, Key: { phaseId }, ConsistentRead: true }),
    );
    return sizeOf(output.Item?.done);
  }
}

export { DynamoDbUploadTasks };
