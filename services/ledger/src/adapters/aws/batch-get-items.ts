import { BatchGetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { forEachBounded } from '@txnflow/contracts/aws';
import { LedgerStoreError } from '../../domain/errors.ts';

/** BatchGetItem takes at most 100 keys per call. */
const MAX_KEYS_PER_CALL = 100;

type Key = Record<string, string>;
type Item = Record<string, unknown>;

interface BatchGetOptions {
  /** Calls in flight at once. */
  readonly concurrency: number;
  /** Calls per chunk while DynamoDB leaves keys unprocessed. */
  readonly maxAttempts: number;
  /** First backoff; doubles each attempt, with full jitter. */
  readonly baseDelayMs: number;
  readonly sleep: (ms: number) => Promise<void>;
}

async function getChunk(
  client: DynamoDBDocumentClient,
  table: string,
  chunk: readonly Key[],
  consistentRead: boolean,
  options: BatchGetOptions,
): Promise<Item[]> {
  const found: Item[] = [];
  let keys = [...chunk];
  for (let attempt = 1; keys.length > 0; attempt += 1) {
    if (attempt > options.maxAttempts) {
      throw new LedgerStoreError(
        `${keys.length} key(s) of ${table} still unprocessed by BatchGetItem after ${options.maxAttempts} attempts`,
      );
    }
    if (attempt > 1) await options.sleep(Math.random() * options.baseDelayMs * 2 ** (attempt - 2));
    const output = await client.send(
      new BatchGetCommand({
        RequestItems: {
          [table]: { Keys: keys, ...(consistentRead ? { ConsistentRead: true } : {}) },
        },
      }),
    );
    found.push(...(output.Responses?.[table] ?? []));
    keys = (output.UnprocessedKeys?.[table]?.Keys ?? []) as Key[];
  }
  return found;
}

/**
 * Reads every key of one table with BatchGetItem, 100 keys per call, a bounded number of
 * calls in flight, sending back the UnprocessedKeys DynamoDB returns with backoff. Items
 * that do not exist are simply absent from the result.
 *
 * @example const balances = await batchGetItems(client, 'TransactionTotal-x', keys, false, options);
 * @throws {LedgerStoreError} when keys remain unprocessed after the last attempt.
 */
async function batchGetItems(
  client: DynamoDBDocumentClient,
  table: string,
  keys: readonly Key[],
  consistentRead: boolean,
  options: BatchGetOptions,
): Promise<Item[]> {
  const chunks: Key[][] = [];
  for (let i = 0; i < keys.length; i += MAX_KEYS_PER_CALL) {
    chunks.push(keys.slice(i, i + MAX_KEYS_PER_CALL));
  }
  const found: Item[] = [];
  await forEachBounded(chunks, options.concurrency, async (chunk) => {
    found.push(...(await getChunk(client, table, chunk, consistentRead, options)));
  });
  return found;
}

export type { BatchGetOptions };
export { batchGetItems };
