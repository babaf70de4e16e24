import type { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  type DynamoDBDocumentClient,
  paginateQuery,
  paginateScan,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { forEachBounded } from '@txnflow/contracts/aws';
import { LedgerStoreError } from '../../domain/errors.ts';
import type {
  Balance,
  CommitResult,
  CustomerCommit,
  CustomerRead,
  CustomerSnapshot,
  LedgerEntry,
  LedgerStore,
} from '../../ports.ts';

/** The physical names of the ledger's tables (from the stack's environment). */
interface LedgerTableNames {
  /** Partition key `customerId`; `balanceCents`, `version`. */
  readonly transactionTotal: string;
  /** Partition key `customerId`, sort key `transactionId`; one item per applied entry. */
  readonly ledgerEntries: string;
}

interface DynamoDbLedgerStoreOptions {
  /** Requests in flight at once for one read or one commit of a batch. @default 8 */
  readonly concurrency?: number;
  /** BatchGetItem calls while DynamoDB leaves keys unprocessed. @default 8 */
  readonly maxReadAttempts?: number;
  /** First backoff for unprocessed keys; doubles each attempt, with full jitter. @default 50 */
  readonly baseDelayMs?: number;
  readonly sleep?: (ms: number) => Promise<void>;
}

/** DynamoDB's limits: BatchGetItem keys and TransactWriteItems items per call. */
const MAX_KEYS_PER_BATCH_GET = 100;
const MAX_ITEMS_PER_TRANSACTION = 100;
/** A part of a long commit: its entries plus the one balance write. */
const MAX_ENTRIES_PER_PART = MAX_ITEMS_PER_TRANSACTION - 1;

type Key = Record<string, string>;

const toEntry = (item: Record<string, unknown>): LedgerEntry => ({
  customerId: String(item.customerId),
  transactionId: String(item.transactionId),
  transactionDate: String(item.transactionDate),
  amountCents: Number(item.amountCents),
  balanceBeforeCents: Number(item.balanceBeforeCents),
  balanceAfterCents: Number(item.balanceAfterCents),
  version: Number(item.version ?? 0),
  thresholdCents: Number(item.thresholdCents),
  crossedThreshold: item.crossedThreshold === true,
  alertPublished: item.alertPublished === true,
});

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

// By name rather than instanceof: a bundle or a test may hold a second copy of the SDK.
const isCanceled = (error: unknown): error is TransactionCanceledException =>
  error instanceof Error && error.name === 'TransactionCanceledException';

/** A failed condition or a concurrent transaction on the same items: read again, plan again. */
const CONFLICT_CODES = new Set(['ConditionalCheckFailed', 'TransactionConflict']);

/** Binary order, as SQLite's ORDER BY sorts TEXT, so both adapters list alike. */
const byCustomerId = (a: Balance, b: Balance): number =>
  a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let i = 0; i < items.length; i += size) chunks.push(items.slice(i, i + size));
  return chunks;
}

/**
 * The LedgerStore port on DynamoDB. A read is BatchGetItem with strongly consistent reads of
 * the balances and the batch's entries. A customer's commit is one TransactWriteItems: each
 * entry only if new (`attribute_not_exists`), the balance only if still at the version read.
 * A commit over 100 items is written in parts of 99 entries plus the balance, each part
 * sent only after the previous one succeeded and expecting the version it set, so every
 * part, like every whole commit, leaves a balance that equals its chain of entries.
 *
 * @example new DynamoDbLedgerStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), names)
 */
class DynamoDbLedgerStore implements LedgerStore {
  readonly #client: DynamoDBDocumentClient;
  readonly #tables: LedgerTableNames;
  readonly #concurrency: number;
  readonly #maxReadAttempts: number;
  readonly #baseDelayMs: number;
  readonly #sleep: (ms: number) => Promise<void>;

  constructor(
    client: DynamoDBDocumentClient,
    tables: LedgerTableNames,
    options: DynamoDbLedgerStoreOptions = {},
  ) {
    this.#client = client;
    this.#tables = tables;
    this.#concurrency = options.concurrency ?? 8;
    this.#maxReadAttempts = options.maxReadAttempts ?? 8;
    this.#baseDelayMs = options.baseDelayMs ?? 50;
    this.#sleep = options.sleep ?? defaultSleep;
  }

  async read(customers: readonly CustomerRead[]): Promise<Map<string, CustomerSnapshot>> {
    const totalKeys = customers.map(({ customerId }) => ({ customerId }));
    const entryKeys = customers.flatMap(({ customerId, transactionIds }) =>
      transactionIds.map((transactionId) => ({ customerId, transactionId })),
    );
    const keyed = [
      ...totalKeys.map((key) => ({ table: this.#tables.transactionTotal, key })),
      ...entryKeys.map((key) => ({ table: this.#tables.ledgerEntries, key })),
    ];
    const items = { totals: [] as Record<string, unknown>[], entries: [] as LedgerEntry[] };
    await forEachBounded(chunk(keyed, MAX_KEYS_PER_BATCH_GET), this.#concurrency, async (part) => {
      const found = await this.#batchGet(part);
      items.totals.push(...(found[this.#tables.transactionTotal] ?? []));
      items.entries.push(...(found[this.#tables.ledgerEntries] ?? []).map(toEntry));
    });
    return this.#snapshots(customers, items.totals, items.entries);
  }

  #snapshots(
    customers: readonly CustomerRead[],
    totals: readonly Record<string, unknown>[],
    entries: readonly LedgerEntry[],
  ): Map<string, CustomerSnapshot> {
    const balances = new Map<string, Balance>();
    for (const item of totals) {
      const customerId = String(item.customerId);
      balances.set(customerId, {
        customerId,
        cents: Number(item.balanceCents),
        version: Number(item.version),
      });
    }
    const applied = new Map<string, Map<string, LedgerEntry>>();
    for (const entry of entries) {
      const ofCustomer = applied.get(entry.customerId) ?? new Map<string, LedgerEntry>();
      applied.set(entry.customerId, ofCustomer.set(entry.transactionId, entry));
    }
    return new Map(
      customers.map(({ customerId }) => [
        customerId,
        {
          balance: balances.get(customerId) ?? { customerId, cents: 0, version: 0 },
          applied: applied.get(customerId) ?? new Map(),
        },
      ]),
    );
  }

  /** One BatchGetItem of up to 100 keys, sending back UnprocessedKeys with backoff. */
  async #batchGet(
    keyed: readonly { table: string; key: Key }[],
  ): Promise<Record<string, Record<string, unknown>[]>> {
    const found: Record<string, Record<string, unknown>[]> = {};
    let request: Record<string, { Keys: Key[]; ConsistentRead: true }> = {};
    for (const { table, key } of keyed) {
      request[table] ??= { Keys: [], ConsistentRead: true };
      request[table].Keys.push(key);
    }
    for (let attempt = 1; Object.keys(request).length > 0; attempt += 1) {
      if (attempt > this.#maxReadAttempts) {
        const left = Object.values(request).reduce((n, r) => n + r.Keys.length, 0);
        throw new LedgerStoreError(
          `${left} key(s) still unprocessed by BatchGetItem after ${this.#maxReadAttempts} attempts`,
        );
      }
      if (attempt > 1) await this.#sleep(Math.random() * this.#baseDelayMs * 2 ** (attempt - 2));
      const output = await this.#client.send(new BatchGetCommand({ RequestItems: request }));
      for (const [table, items] of Object.entries(output.Responses ?? {})) {
        found[table] = [...(found[table] ?? []), ...items];
      }
      request = {};
      for (const [table, unprocessed] of Object.entries(output.UnprocessedKeys ?? {})) {
        const keys = (unprocessed.Keys ?? []) as Key[];
        if (keys.length > 0) request[table] = { Keys: keys, ConsistentRead: true };
      }
    }
    return found;
  }

  async commit(commits: readonly CustomerCommit[]): Promise<CommitResult[]> {
    const results = new Array<CommitResult>(commits.length);
    await forEachBounded(commits, this.#concurrency, async (commit, index) => {
      results[index] = await this.#commitCustomer(commit);
    });
    return results;
  }

  /** Writes the commit in parts; stops at the first part that does not commit. */
  async #commitCustomer(commit: CustomerCommit): Promise<CommitResult> {
    let committedEntries = 0;
    for (const part of chunk(commit.entries, MAX_ENTRIES_PER_PART)) {
      const expectedVersion = commit.expectedVersion + committedEntries;
      try {
        await this.#client.send(
          new TransactWriteCommand({ TransactItems: this.#partItems(part, expectedVersion) }),
        );
      } catch (error) {
        if (isCanceled(error) && this.#isConflict(error)) {
          return { status: 'conflict', committedEntries };
        }
        return { status: 'failed', committedEntries, error };
      }
      committedEntries += part.length;
    }
    return { status: 'committed' };
  }

  #isConflict(error: TransactionCanceledException): boolean {
    const codes = (error.CancellationReasons ?? []).map((reason) => reason.Code ?? 'None');
    return (
      codes.some((code) => CONFLICT_CODES.has(code)) &&
      codes.every((code) => code === 'None' || CONFLICT_CODES.has(code))
    );
  }

  #partItems(entries: readonly LedgerEntry[], expectedVersion: number) {
    const puts = entries.map((entry) => ({
      Put: {
        TableName: this.#tables.ledgerEntries,
        Item: { ...entry },
        ConditionExpression: 'attribute_not_exists(transactionId)',
      },
    }));
    return [...puts, this.#balanceWrite(entries, expectedVersion)];
  }

  #balanceWrite(entries: readonly LedgerEntry[], expectedVersion: number) {
    const last = entries.at(-1);
    if (!last) throw new LedgerStoreError('a commit part without entries');
    const next = expectedVersion + entries.length;
    if (expectedVersion === 0) {
      return {
        Put: {
          TableName: this.#tables.transactionTotal,
          Item: {
            customerId: last.customerId,
            balanceCents: last.balanceAfterCents,
            version: next,
          },
          ConditionExpression: 'attribute_not_exists(customerId)',
        },
      };
    }
    return {
      Update: {
        TableName: this.#tables.transactionTotal,
        Key: { customerId: last.customerId },
        UpdateExpression: 'SET balanceCents = :after, version = :next',
        ConditionExpression: 'version = :expected',
        ExpressionAttributeValues: {
          ':after': last.balanceAfterCents,
          ':next': next,
          ':expected': expectedVersion,
        },
      },
    };
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

  async listEntries(customerId: string): Promise<LedgerEntry[]> {
    const entries: LedgerEntry[] = [];
    const pages = paginateQuery(
      { client: this.#client },
      {
        TableName: this.#tables.ledgerEntries,
        KeyConditionExpression: 'customerId = :customerId',
        ExpressionAttributeValues: { ':customerId': customerId },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) entries.push(...(page.Items ?? []).map(toEntry));
    return entries.sort((a, b) => a.version - b.version);
  }
}

export type { DynamoDbLedgerStoreOptions, LedgerTableNames };
export { DynamoDbLedgerStore };
