import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { forEachBounded } from '@txnflow/contracts/aws';
import type {
  Customer,
  IngestStore,
  RecordedTransaction,
  RecordOutcome,
  TransactionRow,
} from '../../ports.ts';
import { type BatchPutOptions, batchPutItems } from './batch-put-items.ts';

/** The physical names of ingest's tables (from the stack's environment). */
interface IngestTableNames {
  /** Partition key `customerId`; `address`. */
  readonly customer: string;
  /** Partition key `customerId`, sort key `transactionId`. */
  readonly transactions: string;
}

interface DynamoDbIngestStoreOptions {
  /** Conditional writes in flight at once for one batch. @default 16 */
  readonly concurrency?: number;
  /** Retries of the customers' BatchWriteItem. */
  readonly batchPut?: BatchPutOptions;
}

type Key = { readonly customerId: string; readonly transactionId: string };

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Binary order on strings, as SQLite's ORDER BY sorts TEXT, so both adapters list alike. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Splits a batch into rounds: round n holds the n-th occurrence of each transaction key.
 * Rounds run one after another, so a later row of a batch sees an earlier row with the
 * same key, while distinct keys are written concurrently.
 */
function occurrenceRounds(rows: readonly TransactionRow[]): number[][] {
  const seen = new Map<string, number>();
  const rounds: number[][] = [];
  rows.forEach((row, index) => {
    const key = JSON.stringify([row.customerId, row.transactionId]);
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    rounds[occurrence] ??= [];
    rounds[occurrence].push(index);
  });
  return rounds;
}

/**
 * The IngestStore port on DynamoDB. A transaction is a conditional PutItem
 * (`attribute_not_exists`), so it is never overwritten; when the condition fails, a
 * consistent read of the item tells a redelivery, a duplicate and a conflict apart. The
 * customers of the accepted rows are then put with BatchWriteItem (latest address wins),
 * including on a redelivery, which completes an upload that stopped between the two writes.
 *
 * @example new DynamoDbIngestStore(documentClient, { customer, transactions })
 */
class DynamoDbIngestStore implements IngestStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tables: IngestTableNames;
  readonly #concurrency: number;
  readonly #batchPut: BatchPutOptions;

  constructor(
    client: DynamoDBDocumentClient,
    tables: IngestTableNames,
    options: DynamoDbIngestStoreOptions = {},
  ) {
    this.#client = client;
    this.#tables = tables;
    this.#concurrency = options.concurrency ?? 16;
    this.#batchPut = options.batchPut ?? {};
  }

  async recordBatch(rows: readonly TransactionRow[], uploadId: string): Promise<RecordOutcome[]> {
    const outcomes = new Map<number, RecordOutcome>();
    for (const round of occurrenceRounds(rows)) {
      await forEachBounded(round, this.#concurrency, async (index) => {
        outcomes.set(index, await this.#recordRow(rows[index] as TransactionRow, uploadId));
      });
    }
    const latestAddress = new Map<string, string>();
    rows.forEach((row, index) => {
      if (outcomes.get(index)?.kind === 'accepted') {
        latestAddress.set(row.customerId, row.customerAddress);
      }
    });
    const customers = [...latestAddress].map(([customerId, address]) => ({ customerId, address }));
    await batchPutItems(this.#client, this.#tables.customer, customers, this.#batchPut);
    return rows.map((_, index) => outcomes.get(index) as RecordOutcome);
  }

  async #recordRow(row: TransactionRow, uploadId: string): Promise<RecordOutcome> {
    const { customerId, transactionId, transactionDate, amountCents } = row;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tables.transactions,
          Item: {
            customerId,
            transactionId,
            transactionDate,
            amountCents,
            published: false,
            uploadId,
            uploadLine: row.line,
          },
          ConditionExpression: 'attribute_not_exists(transactionId)',
        }),
      );
      return { kind: 'accepted', published: false };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
    }
    const { Item: existing } = await this.#client.send(
      new GetCommand({
        TableName: this.#tables.transactions,
        Key: { customerId, transactionId },
        ConsistentRead: true,
      }),
    );
    if (!existing) throw new Error(`transaction ${customerId}/${transactionId} vanished mid-batch`);
    if (existing.transactionDate !== transactionDate || existing.amountCents !== amountCents) {
      return {
        kind: 'conflict',
        existing: {
          transactionDate: String(existing.transactionDate),
          amountCents: Number(existing.amountCents),
        },
      };
    }
    const published = existing.published === true;
    // The same line of the same upload: a redelivery of that upload, not a duplicate row.
    return existing.uploadId === uploadId && existing.uploadLine === row.line
      ? { kind: 'accepted', published }
      : { kind: 'duplicate', published };
  }

  async markPublished(keys: readonly Key[]): Promise<void> {
    await forEachBounded(keys, this.#concurrency, async ({ customerId, transactionId }) => {
      try {
        await this.#client.send(
          new UpdateCommand({
            TableName: this.#tables.transactions,
            Key: { customerId, transactionId },
            UpdateExpression: 'SET published = :true',
            ConditionExpression: 'attribute_exists(transactionId)',
            ExpressionAttributeValues: { ':true': true },
          }),
        );
      } catch (error) {
        // No such transaction: nothing to mark (the SQLite adapter updates no row either),
        // and the condition keeps an update from creating a half item.
        if (!isConditionFailure(error)) throw error;
      }
    });
  }

  async listCustomers(): Promise<Customer[]> {
    const customers: Customer[] = [];
    const pages = paginateScan(
      { client: this.#client },
      { TableName: this.#tables.customer, ConsistentRead: true },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        customers.push({ customerId: String(item.customerId), address: String(item.address) });
      }
    }
    return customers.sort((a, b) => compare(a.customerId, b.customerId));
  }

  async listTransactions(customerId?: string): Promise<RecordedTransaction[]> {
    const pages =
      customerId === undefined
        ? paginateScan(
            { client: this.#client },
            { TableName: this.#tables.transactions, ConsistentRead: true },
          )
        : paginateQuery(
            { client: this.#client },
            {
              TableName: this.#tables.transactions,
              KeyConditionExpression: 'customerId = :customerId',
              ExpressionAttributeValues: { ':customerId': customerId },
              ConsistentRead: true,
            },
          );
    const transactions: RecordedTransaction[] = [];
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        transactions.push({
          customerId: String(item.customerId),
          transactionId: String(item.transactionId),
          transactionDate: String(item.transactionDate),
          amountCents: Number(item.amountCents),
        });
      }
    }
    return transactions.sort(
      (a, b) => compare(a.customerId, b.customerId) || compare(a.transactionId, b.transactionId),
    );
  }
}

export type { DynamoDbIngestStoreOptions, IngestTableNames };
export { DynamoDbIngestStore };
