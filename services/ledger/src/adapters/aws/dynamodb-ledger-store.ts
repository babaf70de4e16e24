import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  type DynamoDBDocumentClient,
  GetCommand,
  paginateScan,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import type { ApplyResult, Balance, LedgerEntry, LedgerStore } from '../../ports.ts';

/** The physical names of the ledger's tables (from the stack's environment). */
interface LedgerTableNames {
  /** Partition key `customerId`; `balanceCents`, `version`. */
  readonly transactionTotal: string;
  /** Partition key `customerId`, sort key `transactionId`; one item per applied entry. */
  readonly ledgerEntries: string;
}

interface TotalItem {
  customerId: string;
  balanceCents: number;
  version: number;
}

const toEntry = (item: Record<string, unknown>): LedgerEntry => ({
  customerId: String(item.customerId),
  transactionId: String(item.transactionId),
  transactionDate: String(item.transactionDate),
  amountCents: Number(item.amountCents),
  balanceBeforeCents: Number(item.balanceBeforeCents),
  balanceAfterCents: Number(item.balanceAfterCents),
  thresholdCents: Number(item.thresholdCents),
  crossedThreshold: item.crossedThreshold === true,
  alertPublished: item.alertPublished === true,
});

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

// By name rather than instanceof: a bundle or a test may hold a second copy of the SDK.
const isCanceled = (error: unknown): error is TransactionCanceledException =>
  error instanceof Error && error.name === 'TransactionCanceledException';

/** Binary order, as SQLite's ORDER BY sorts TEXT, so both adapters list alike. */
const byCustomerId = (a: Balance, b: Balance): number =>
  a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0;

/**
 * The LedgerStore port on DynamoDB. An entry and its balance are written in one
 * TransactWriteItems: the entry only if new (`attribute_not_exists`), the balance only if
 * still at the version read. Reads are strongly consistent, so a retry after
 * 'stale-balance' sees the write that won.
 *
 * @example new DynamoDbLedgerStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), names)
 */
class DynamoDbLedgerStore implements LedgerStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tables: LedgerTableNames;

  constructor(client: DynamoDBDocumentClient, tables: LedgerTableNames) {
    this.#client = client;
    this.#tables = tables;
  }

  async load(customerId: string, transactionId: string) {
    const [total, entry] = await Promise.all([
      this.#client.send(
        new GetCommand({
          TableName: this.#tables.transactionTotal,
          Key: { customerId },
          ConsistentRead: true,
        }),
      ),
      this.#client.send(
        new GetCommand({
          TableName: this.#tables.ledgerEntries,
          Key: { customerId, transactionId },
          ConsistentRead: true,
        }),
      ),
    ]);
    const balance: Balance = {
      customerId,
      cents: total.Item ? Number(total.Item.balanceCents) : 0,
      version: total.Item ? Number(total.Item.version) : 0,
    };
    return { balance, entry: entry.Item ? toEntry(entry.Item) : undefined };
  }

  async apply(entry: LedgerEntry, expectedVersion: number): Promise<ApplyResult> {
    try {
      await this.#client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: this.#tables.ledgerEntries,
                Item: { ...entry },
                ConditionExpression: 'attribute_not_exists(transactionId)',
              },
            },
            this.#balanceWrite(entry, expectedVersion),
          ],
        }),
      );
      return 'applied';
    } catch (error) {
      if (!isCanceled(error)) throw error;
      return this.#whyCanceled(error);
    }
  }

  /** One TransactWriteItems per entry, in order: a later one may depend on an earlier one. */
  async applyInOrder(
    items: readonly { entry: LedgerEntry; expectedVersion: number }[],
  ): Promise<ApplyResult[]> {
    const results: ApplyResult[] = [];
    for (const { entry, expectedVersion } of items) {
      results.push(await this.apply(entry, expectedVersion));
    }
    return results;
  }

  #balanceWrite(entry: LedgerEntry, expectedVersion: number) {
    if (expectedVersion === 0) {
      const item: TotalItem = {
        customerId: entry.customerId,
        balanceCents: entry.balanceAfterCents,
        version: 1,
      };
      return {
        Put: {
          TableName: this.#tables.transactionTotal,
          Item: item,
          ConditionExpression: 'attribute_not_exists(customerId)',
        },
      };
    }
    return {
      Update: {
        TableName: this.#tables.transactionTotal,
        Key: { customerId: entry.customerId },
        UpdateExpression: 'SET balanceCents = :after, version = :next',
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: {
          ':after': entry.balanceAfterCents,
          ':next': expectedVersion + 1,
          ':expected': expectedVersion,
        },
      },
    };
  }

  /**
   * Reads the per-item cancellation reasons: [0] is the entry, [1] the balance. A
   * TransactionConflict (another transaction on the same items in flight) means "read
   * again and retry", which is what the domain does on 'stale-balance'.
   */
  #whyCanceled(error: TransactionCanceledException): ApplyResult {
    const [entryReason, balanceReason] = error.CancellationReasons ?? [];
    if (entryReason?.Code === 'ConditionalCheckFailed') return 'duplicate';
    if (balanceReason?.Code === 'ConditionalCheckFailed') return 'stale-balance';
    const codes = [entryReason?.Code, balanceReason?.Code];
    if (codes.includes('TransactionConflict')) return 'stale-balance';
    throw error;
  }

  async markAlertPublished(customerId: string, transactionId: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tables.ledgerEntries,
          Key: { customerId, transactionId },
          UpdateExpression: 'SET alertPublished = :true',
          ConditionExpression: 'attribute_exists(transactionId)',
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    } catch (error) {
      // No such entry: nothing to mark (as the SQLite adapter updates no row), and the
      // condition keeps an update from creating a half item.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listBalances(): Promise<Balance[]> {
    const balances: Balance[] = [];
    const pages = paginateScan(
      { client: this.#client },
      { TableName: this.#tables.transactionTotal, ConsistentRead: true },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) {
        balances.push({
          customerId: String(item.customerId),
          cents: Number(item.balanceCents),
          version: Number(item.version),
        });
      }
    }
    return balances.sort(byCustomerId);
  }
}

export type { LedgerTableNames };
export { DynamoDbLedgerStore };
