import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateQuery,
  paginateScan,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  LISTING_ATTRIBUTE,
  listingPageQuery,
  listingValue,
  type Page,
  type PageRequest,
  pageOf,
  partitionPageQuery,
} from '@txnflow/contracts';
import { forEachBounded } from '@txnflow/contracts/aws';
import { IngestError } from '../../parsing/errors.ts';
import type {
  Customer,
  CustomerWrite,
  IngestQueries,
  IngestStore,
  RecordedTransaction,
  RecordOutcome,
  TransactionRow,
} from '../../ports.ts';
import { watermarkKeyOf } from '../watermark-key.ts';

/** The physical names of ingest's tables (from the stack's environment). */
interface IngestTableNames {
  /**
   * Partition key `customerId`; `address`, and the upload and line it came from; listed by
   * its `Listing` index.
   */
  readonly customer: string;
  /** Partition key `customerId`, sort key `transactionId`; the upload, unit and line. */
  readonly transactions: string;
  /**
   * Partition key `uploadId`: the upload's id, or `<upload id>/<unit>` for a chunk;
   * `publishedThroughLine`, the outbox watermark.
   */
  readonly uploads: string;
}

interface DynamoDbIngestStoreOptions {
  /** Conditional writes in flight at once for one batch. @default 16 */
  readonly concurrency?: number;
  /** Uploads whose watermark the store remembers (a Lambda container reuses it). @default 1_000 */
  readonly rememberedUploads?: number;
}

/** A conditional put failed and DynamoDB did not return the item that made it fail. */
class IngestStoreError extends IngestError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IngestStoreError';
  }
}

/** What a failed conditional put returns of the transaction that is already there. */
interface StoredTransaction {
  readonly transactionDate: string;
  readonly amountCents: number;
  readonly uploadId: string;
  readonly uploadLine: number;
  /** The chunk of the upload that recorded it; absent for a whole-file run. */
  readonly uploadUnit?: string;
}

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** The existing item of a ConditionalCheckFailedException (ReturnValuesOnConditionCheckFailure). */
function storedTransactionOf(error: unknown, key: string): StoredTransaction {
  const item = (error as { Item?: Record<string, AttributeValue> }).Item;
  const text = (name: string) => item?.[name]?.S ?? item?.[name]?.N;
  const [date, amount, uploadId, line] = [
    text('transactionDate'),
    text('amountCents'),
    text('uploadId'),
    text('uploadLine'),
  ];
  if (date === undefined || amount === undefined || uploadId === undefined || line === undefined) {
    throw new IngestStoreError(
      `transaction ${key} exists, but DynamoDB returned no complete item with the failed condition`,
      { cause: error },
    );
  }
  const unit = text('uploadUnit');
  return {
    transactionDate: date,
    amountCents: Number(amount),
    uploadId,
    uploadLine: Number(line),
    ...(unit === undefined ? {} : { uploadUnit: unit }),
  };
}

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
 * The IngestStore port on DynamoDB, about one write per row. A transaction is a conditional
 * PutItem (`attribute_not_exists`), so it is never overwritten; when the condition fails,
 * DynamoDB returns the existing item with the failure (`ReturnValuesOnConditionCheckFailure`),
 * which tells a redelivery, a duplicate and a conflict apart without another read. Whether a
 * recorded row was published is its line against the watermark of the upload that recorded it
 * (table Uploads, one item per upload, written once per batch): an eventually consistent read,
 * remembered per upload, since a watermark read late is only lower, and a lower watermark only
 * publishes an event again (consumers are idempotent), never skips one. A chunk of an upload
 * tags its rows with its unit and keeps its own watermark (`<upload id>/<unit>`). Customers
 * are conditional UpdateItems, only those the domain says changed: within an upload a later
 * line's address wins whatever order the chunks write in.
 *
 * @example new DynamoDbIngestStore(documentClient, { customer, transactions, uploads })
 */
class DynamoDbIngestStore implements IngestStore, IngestQueries {
  readonly #client: DynamoDBDocumentClient;
  readonly #tables: IngestTableNames;
  readonly #concurrency: number;
  readonly #rememberedUploads: number;
  /** Watermarks read or written, by upload; a value here is never above the table's. */
  readonly #watermarks = new Map<string, Promise<number>>();

  constructor(
    client: DynamoDBDocumentClient,
    tables: IngestTableNames,
    options: DynamoDbIngestStoreOptions = {},
  ) {
    this.#client = client;
    this.#tables = tables;
    this.#concurrency = options.concurrency ?? 16;
    this.#rememberedUploads = options.rememberedUploads ?? 1_000;
  }

  async recordBatch(
    rows: readonly TransactionRow[],
    uploadId: string,
    unit?: string,
  ): Promise<RecordOutcome[]> {
    const outcomes = new Map<number, RecordOutcome>();
    for (const round of occurrenceRounds(rows)) {
      await forEachBounded(round, this.#concurrency, async (index) => {
        const row = rows[index] as TransactionRow;
        outcomes.set(index, await this.#recordRow(row, uploadId, unit));
      });
    }
    return rows.map((_, index) => outcomes.get(index) as RecordOutcome);
  }

  async #recordRow(row: TransactionRow, uploadId: string, unit?: string): Promise<RecordOutcome> {
    const { customerId, transactionId, transactionDate, amountCents } = row;
    let existing: StoredTransaction;
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tables.transactions,
          Item: {
            customerId,
            transactionId,
            transactionDate,
            amountCents,
            uploadId,
            uploadLine: row.line,
            ...(unit === undefined ? {} : { uploadUnit: unit }),
          },
          ConditionExpression: 'attribute_not_exists(transactionId)',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return { kind: 'accepted', published: false };
    } catch (error) {
      if (!isConditionFailure(error)) throw error;
      existing = storedTransactionOf(error, `${customerId}/${transactionId}`);
    }
    if (existing.transactionDate !== transactionDate || existing.amountCents !== amountCents) {
      const { transactionDate: date, amountCents: cents } = existing;
      return { kind: 'conflict', existing: { transactionDate: date, amountCents: cents } };
    }
    const watermark = watermarkKeyOf(existing.uploadId, existing.uploadUnit);
    const published = existing.uploadLine <= (await this.#watermark(watermark));
    // The same line of the same upload: a redelivery of that upload, not a duplicate row.
    return existing.uploadId === uploadId && existing.uploadLine === row.line
      ? { kind: 'accepted', published }
      : { kind: 'duplicate', published };
  }

  async putCustomers(customers: readonly CustomerWrite[], uploadId: string): Promise<void> {
    const listing = listingValue('Customer');
    await forEachBounded(customers, this.#concurrency, async ({ customerId, address, line }) => {
      try {
        await this.#client.send(
          new UpdateCommand({
            TableName: this.#tables.customer,
            Key: { customerId },
            UpdateExpression:
              'SET address = :address, addressUpload = :upload, addressLine = :line, #listing = :listing',
            ConditionExpression:
              'attribute_not_exists(addressUpload) OR addressUpload <> :upload OR addressLine <= :line',
            ExpressionAttributeNames: { '#listing': LISTING_ATTRIBUTE },
            ExpressionAttributeValues: {
              ':address': address,
              ':upload': uploadId,
              ':line': line,
              ':listing': listing,
            },
          }),
        );
      } catch (error) {
        // This upload already wrote the address of a later line (another chunk got there first).
        if (!isConditionFailure(error)) throw error;
      }
    });
  }

  async markPublishedThrough(uploadId: string, line: number, unit?: string): Promise<void> {
    const key = watermarkKeyOf(uploadId, unit);
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tables.uploads,
          Key: { uploadId: key },
          UpdateExpression: 'SET publishedThroughLine = :line',
          ConditionExpression:
            'attribute_not_exists(publishedThroughLine) OR publishedThroughLine < :line',
          ExpressionAttributeValues: { ':line': line },
        }),
      );
    } catch (error) {
      // Already at or past this line (a concurrent delivery of the upload got further).
      if (!isConditionFailure(error)) throw error;
    }
    const known = await (this.#watermarks.get(key) ?? Promise.resolve(0)).catch(() => 0);
    this.#remember(key, Promise.resolve(Math.max(known, line)));
  }

  /** A unit's watermark (see watermarkKeyOf): remembered, or read (eventually consistent) once. */
  #watermark(uploadId: string): Promise<number> {
    const known = this.#watermarks.get(uploadId);
    if (known) return known;
    const read = this.#client
      .send(new GetCommand({ TableName: this.#tables.uploads, Key: { uploadId } }))
      .then(({ Item }) => Number(Item?.publishedThroughLine ?? 0));
    // A failed read is not remembered: the next row asks again.
    read.catch(() => this.#watermarks.delete(uploadId));
    this.#remember(uploadId, read);
    return read;
  }

  #remember(uploadId: string, watermark: Promise<number>): void {
    this.#watermarks.delete(uploadId);
    this.#watermarks.set(uploadId, watermark);
    if (this.#watermarks.size > this.#rememberedUploads) {
      const oldest = this.#watermarks.keys().next();
      if (!oldest.done) this.#watermarks.delete(oldest.value);
    }
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
      for (const item of page.Items ?? []) transactions.push(toRecordedTransaction(item));
    }
    return transactions.sort(
      (a, b) => compare(a.customerId, b.customerId) || compare(a.transactionId, b.transactionId),
    );
  }

  /** A Query of the Customer table's `Listing` index (eventually consistent, as every index). */
  async customersPage({ after, limit }: PageRequest): Promise<Page<Customer>> {
    const { Items = [] } = await this.#client.send(
      new QueryCommand(
        listingPageQuery({
          tableName: this.#tables.customer,
          table: 'Customer',
          sortKey: 'customerId',
          after,
          limit,
        }),
      ),
    );
    const customers = Items.map((item) => ({
      customerId: String(item.customerId),
      address: String(item.address),
    }));
    return pageOf(customers, limit, (c) => c.customerId);
  }

  async findCustomer(customerId: string): Promise<Customer | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tables.customer, Key: { customerId } }),
    );
    return Item
      ? { customerId: String(Item.customerId), address: String(Item.address) }
      : undefined;
  }

  async transactionsPage(
    customerId: string,
    { after, limit }: PageRequest,
  ): Promise<Page<RecordedTransaction>> {
    const { Items = [] } = await this.#client.send(
      new QueryCommand(
        partitionPageQuery({
          tableName: this.#tables.transactions,
          partitionKey: 'customerId',
          partitionValue: customerId,
          sortKey: 'transactionId',
          after,
          limit,
        }),
      ),
    );
    return pageOf(Items.map(toRecordedTransaction), limit, (t) => t.transactionId);
  }
}

const toRecordedTransaction = (item: Record<string, unknown>): RecordedTransaction => ({
  customerId: String(item.customerId),
  transactionId: String(item.transactionId),
  transactionDate: String(item.transactionDate),
  amountCents: Number(item.amountCents),
});

export type { DynamoDbIngestStoreOptions, IngestTableNames };
export { DynamoDbIngestStore, IngestStoreError };
