import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';

/** BatchWriteItem takes at most 25 requests per call. */
const MAX_ITEMS_PER_CALL = 25;

interface BatchPutOptions {
  /** Calls per chunk while DynamoDB leaves items unprocessed. @default 8 */
  readonly maxAttempts?: number;
  /** First backoff; doubles each attempt, with full jitter. @default 50 */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** Items DynamoDB still left unprocessed after the last attempt; none is dropped silently. */
class UnprocessedItemsError extends Error {
  readonly tableName: string;
  readonly unprocessed: number;

  constructor(tableName: string, unprocessed: number, attempts: number) {
    super(`${unprocessed} item(s) of ${tableName} still unprocessed after ${attempts} attempts`);
    this.name = 'UnprocessedItemsError';
    this.tableName = tableName;
    this.unprocessed = unprocessed;
  }
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Puts every item with BatchWriteItem, 25 per call, one call at a time, and sends back
 * the UnprocessedItems DynamoDB returns (throttling, partition limits) with exponential
 * backoff and jitter, as the DynamoDB documentation asks.
 *
 * @example await batchPutItems(client, 'Customer-abc', customers);
 * @throws {UnprocessedItemsError} when items remain unprocessed after the last attempt.
 */
async function batchPutItems(
  client: DynamoDBDocumentClient,
  tableName: string,
  items: readonly Record<string, unknown>[],
  options: BatchPutOptions = {},
): Promise<void> {
  const maxAttempts = options.maxAttempts ?? 8;
  const baseDelayMs = options.baseDelayMs ?? 50;
  const sleep = options.sleep ?? defaultSleep;
  for (let start = 0; start < items.length; start += MAX_ITEMS_PER_CALL) {
    let requests = items
      .slice(start, start + MAX_ITEMS_PER_CALL)
      .map((item) => ({ PutRequest: { Item: item } }));
    for (let attempt = 1; requests.length > 0; attempt += 1) {
      if (attempt > maxAttempts) {
        throw new UnprocessedItemsError(tableName, requests.length, maxAttempts);
      }
      if (attempt > 1) await sleep(Math.random() * baseDelayMs * 2 ** (attempt - 2));
      const output = await client.send(
        new BatchWriteCommand({ RequestItems: { [tableName]: requests } }),
      );
      requests = (output.UnprocessedItems?.[tableName] ?? []).flatMap((request) =>
        request.PutRequest?.Item ? [{ PutRequest: { Item: request.PutRequest.Item } }] : [],
      );
    }
  }
}

export type { BatchPutOptions };
export { batchPutItems, UnprocessedItemsError };
