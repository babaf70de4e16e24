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
import { batchesOf, forEachBounded } from '@txnflow/contracts/aws';
import type {
  Balance,
  CommitResult,
  CustomerCommit,
  CustomerRead,
  CustomerSnapshot,
  LedgerEntry,
  LedgerQueries,
  LedgerStore,
} from '../../ports.ts';
import { type BatchGetOptions, batchGetItems } from './batch-get-items.ts';
import { pendingEntriesOf, toPendingTuple } from './pending-entries.ts';

/** The physical names of the ledger's tables (from the stack's environment). */
interface LedgerTableNames {
  /**
   * Partition key `customerId`; `balanceCents`, `version`, `pending` (the last commit's
   * entries), `listing` (so its `Listing` index lists balances without a Scan).
   */
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
  /** Entries one balance write holds at most; a longer commit is written in parts. @default 100 */
  readonly maxEntriesPerCommit?: number;
  /** Customers whose last read the store keeps, to vouch for their commit. @default 10_000 */
  readonly rememberedReads?: number;
}

/** What a read of this store established about a customer, so a commit need not read again. */
interface Vouch {
  readonly version: number;
  readonly transactionIds: Set<string>;
}

type Key = Record<string, string>;
type Item = Record<string, unknown>;

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Binary order, as SQLite's ORDER BY sorts TEXT, so both adapters list alike. */
const byCustomerId = (a: Balance, b: Balance): number =>
  a.customerId < b.customerId ? -1 : a.customerId > b.customerId ? 1 : 0;

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const entryKey = (customerId: string, transactionId: string): string =>
  `${customerId}\u0000${transactionId}`;

const toEntry = (item: Item): LedgerEntry => ({
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

const toBalance = (customerId: string, item: Item | undefined): Balance => ({
  customerId,
  cents: Number(item?.balanceCents ?? 0),
  version: Number(item?.version ?? 0),
});

/**
 * The LedgerStore port on DynamoDB with standard writes only: about one write unit for a
 * customer's balance per batch and one per entry, where a TransactWriteItems of the two
 * costs twice that.
 *
 * **The commit point is the balance item.** A customer's commit is one conditional
 * UpdateItem of its balance item: `balanceCents`, `version` + n and `pending` = the commit's
 * n entries, only if `version` is still the one read (`attribute_not_exists` for a new
 * customer). The entries are then written as items of their own ("materialized") with
 * conditional puts that never overwrite (`attribute_not_exists`), so only `alertPublished`
 * ever changes on an entry item, and only from false to true.
 *
 * **Invariant**, for every customer whose balance item is at version V with `pending(V)`:
 * 1. the transactions applied are exactly the materialized entries plus `pending(V)`;
 * 2. every applied entry not in `pending(V)` is materialized;
 * 3. no entry item exists that is not applied (entries are written only after the commit
 *    that applied them, by their committer or by a repair copying `pending`);
 * 4. when the last entry of a commit is an item, so are all the commit's entries (they are
 *    always written all but the last first, then the last);
 * 5. the entries have versions 1..V, one each, chained; the balance is the last `after`.
 *
 * **Why it holds.** A read takes the balances (eventually consistent: a stale version only
 * makes the commit's condition fail, and the customer is read again), then, strongly
 * consistent, the entries of the batch's transactions; then it makes sure `pending` is
 * materialized: by (4) one key per balance tells, the last pending entry (read eventually
 * consistent if the batch did not ask for it; one read as absent that exists only costs puts
 * whose conditions fail), and a commit found missing is written again. So (2) still holds
 * once the next commit replaces `pending`. A commit is vouched for by such a read of this
 * store at the same version, or reads the customer itself (strongly) before writing. A
 * transaction is committed on version V only if the version was V when the commit wrote, so
 * nothing committed in between; and a read that saw V found it neither in `pending(V)` nor
 * among the entries, read after the balance, which by (2) hold every transaction applied at
 * V or before. **So nothing is counted twice, and nothing commits on a balance it did not
 * read.** Nothing is lost: `pending(V)` is replaced only by a commit whose read made sure it
 * was materialized. A crash between the commit and the materialization leaves the entries in
 * `pending`, where reads, `listEntries` and `markAlertPublished` find them, and the next
 * read of the customer writes them.
 *
 * A commit of more than `maxEntriesPerCommit` entries is written in parts, each part
 * materialized before the next one is committed on the version the previous one set.
 *
 * @example new DynamoDbLedgerStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), names)
 */
class DynamoDbLedgerStore implements LedgerStore, LedgerQueries {
  readonly #client: DynamoDBDocumentClient;
  readonly #tables: LedgerTableNames;
  readonly #concurrency: number;
  readonly #batchGet: BatchGetOptions;
  readonly #maxEntriesPerCommit: number;
  readonly #rememberedReads: number;
  readonly #vouches = new Map<string, Vouch>();

  constructor(
    client: DynamoDBDocumentClient,
    tables: LedgerTableNames,
    options: DynamoDbLedgerStoreOptions = {},
  ) {
    this.#client = client;
    this.#tables = tables;
    this.#concurrency = options.concurrency ?? 8;
    this.#batchGet = {
      concurrency: this.#concurrency,
      maxAttempts: options.maxReadAttempts ?? 8,
      baseDelayMs: options.baseDelayMs ?? 50,
      sleep: options.sleep ?? defaultSleep,
    };
    this.#maxEntriesPerCommit = options.maxEntriesPerCommit ?? 100;
    this.#rememberedReads = options.rememberedReads ?? 10_000;
  }

  async read(customers: readonly CustomerRead[]): Promise<Map<string, CustomerSnapshot>> {
    const snapshots = await this.#readCustomers(customers, false);
    for (const { customerId, transactionIds } of customers) {
      const version = snapshots.get(customerId)?.balance.version ?? 0;
      this.#vouch(customerId, version, transactionIds);
    }
    return snapshots;
  }

  /** Balances, then the asked-for entries (strongly), then `pending` made sure materialized. */
  async #readCustomers(
    customers: readonly CustomerRead[],
    consistentBalances: boolean,
  ): Promise<Map<string, CustomerSnapshot>> {
    const balanceItems = await batchGetItems(
      this.#client,
      this.#tables.transactionTotal,
      customers.map(({ customerId }) => ({ customerId })),
      consistentBalances,
      this.#batchGet,
    );
    const asked = customers.flatMap(({ customerId, transactionIds }) =>
      transactionIds.map((transactionId) => ({ customerId, transactionId })),
    );
    const found = (
      await batchGetItems(this.#client, this.#tables.ledgerEntries, asked, true, this.#batchGet)
    ).map(toEntry);
    const pendingCommits = balanceItems.map(pendingEntriesOf).filter((p) => p.length > 0);
    await this.#materializeMissing(pendingCommits, asked, found);
    return snapshotsOf(customers, balanceItems, found, pendingCommits.flat());
  }

  /**
   * Writes the `pending` entries of each balance that are not items yet (a crash after their
   * commit). A commit's entries are always written with its last one after all the others
   * (see {@link #materialize}), so one key per balance tells: the last entry, already read if
   * the batch asked for it, else read now, eventually consistent (an entry read as absent
   * that exists only costs puts whose conditions fail).
   */
  async #materializeMissing(
    pendingCommits: readonly LedgerEntry[][],
    asked: readonly Key[],
    found: readonly LedgerEntry[],
  ): Promise<void> {
    const keyOf = (e: { customerId: string; transactionId: string }) =>
      entryKey(e.customerId, e.transactionId);
    const lastOf = (entries: readonly LedgerEntry[]) => entries.at(-1) as LedgerEntry;
    const wasAsked = new Set(
      asked.map((key) => entryKey(key.customerId ?? '', key.transactionId ?? '')),
    );
    const isThere = new Set(found.map(keyOf));
    const toRead: Key[] = pendingCommits
      .map(lastOf)
      .filter((last) => !wasAsked.has(keyOf(last)))
      .map(({ customerId, transactionId }) => ({ customerId, transactionId }));
    if (toRead.length > 0) {
      const read = await batchGetItems(
        this.#client,
        this.#tables.ledgerEntries,
        toRead,
        false,
        this.#batchGet,
      );
      for (const item of read)
        isThere.add(entryKey(String(item.customerId), String(item.transactionId)));
    }
    const missing = pendingCommits.filter((entries) => !isThere.has(keyOf(lastOf(entries))));
    await forEachBounded(missing, this.#concurrency, async (entries) => {
      await this.#materialize(entries);
    });
  }

  /**
   * Writes a commit's entries as items, never over an existing one: all but the last, then
   * the last, so that the last one being an item proves the others are. Returns the ids of
   * the entries this call created.
   */
  async #materialize(entries: readonly LedgerEntry[]): Promise<Set<string>> {
    const created = new Set<string>();
    const put = async (entry: LedgerEntry) => {
      if (await this.#putEntry(entry)) created.add(entry.transactionId);
    };
    await forEachBounded(entries.slice(0, -1), this.#concurrency, put);
    const last = entries.at(-1);
    if (last) await put(last);
    return created;
  }

  /** Puts an entry unless it exists; true when this put created it. */
  async #putEntry(entry: LedgerEntry): Promise<boolean> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tables.ledgerEntries,
          Item: { ...entry },
          ConditionExpression: 'attribute_not_exists(transactionId)',
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  #vouch(customerId: string, version: number, transactionIds: readonly string[]): void {
    const known = this.#vouches.get(customerId);
    const ids = known?.version === version ? known.transactionIds : new Set<string>();
    for (const id of transactionIds) ids.add(id);
    this.#vouches.delete(customerId);
    this.#vouches.set(customerId, { version, transactionIds: ids });
    if (this.#vouches.size > this.#rememberedReads) {
      const oldest = this.#vouches.keys().next();
      if (!oldest.done) this.#vouches.delete(oldest.value);
    }
  }

  /** Whether a read of this store vouches for the commit (and forgets the read either way). */
  #vouchedFor(commit: CustomerCommit): boolean {
    const vouch = this.#vouches.get(commit.customerId);
    this.#vouches.delete(commit.customerId);
    return (
      vouch?.version === commit.expectedVersion &&
      commit.entries.every((entry) => vouch.transactionIds.has(entry.transactionId))
    );
  }

  async commit(commits: readonly CustomerCommit[]): Promise<CommitResult[]> {
    const results = new Array<CommitResult>(commits.length);
    await forEachBounded(commits, this.#concurrency, async (commit, index) => {
      results[index] = await this.#commitCustomer(commit);
    });
    return results;
  }

  /** Reads the customer itself (strongly) when no read vouches for the commit. */
  async #stillAsRead(commit: CustomerCommit): Promise<boolean> {
    if (this.#vouchedFor(commit)) return true;
    const ids = commit.entries.map((e) => e.transactionId);
    const snapshots = await this.#readCustomers(
      [{ customerId: commit.customerId, transactionIds: ids }],
      true,
    );
    const snapshot = snapshots.get(commit.customerId);
    return snapshot?.balance.version === commit.expectedVersion && snapshot.applied.size === 0;
  }

  /** Commits in parts; stops at the first part that does not commit. */
  async #commitCustomer(commit: CustomerCommit): Promise<CommitResult> {
    if (commit.entries.length === 0) return { status: 'committed' };
    if (!(await this.#stillAsRead(commit))) return { status: 'conflict', committedEntries: 0 };
    let committedEntries = 0;
    for (const part of batchesOf(commit.entries, this.#maxEntriesPerCommit)) {
      try {
        await this.#client.send(
          this.#balanceUpdate(part, commit.expectedVersion + committedEntries),
        );
      } catch (error) {
        if (isConditionFailure(error)) return { status: 'conflict', committedEntries };
        return { status: 'failed', committedEntries, error };
      }
      committedEntries += part.length;
      try {
        await this.#materialize(part);
      } catch (error) {
        // Committed, not yet written as items: `pending` holds them until a read repairs it.
        return { status: 'failed', committedEntries, error };
      }
    }
    return { status: 'committed' };
  }

  #balanceUpdate(entries: readonly LedgerEntry[], expectedVersion: number): UpdateCommand {
    const last = entries.at(-1) as LedgerEntry;
    const values: Record<string, unknown> = {
      ':after': last.balanceAfterCents,
      ':next': expectedVersion + entries.length,
      ':pending': entries.map(toPendingTuple),
      ':listing': listingValue('TransactionTotal'),
    };
    if (expectedVersion > 0) values[':expected'] = expectedVersion;
    return new UpdateCommand({
      TableName: this.#tables.transactionTotal,
      Key: { customerId: last.customerId },
      UpdateExpression:
        'SET balanceCents = :after, version = :next, pending = :pending, #listing = :listing',
      ExpressionAttributeNames: { '#listing': LISTING_ATTRIBUTE },
      ConditionExpression:
        expectedVersion === 0 ? 'attribute_not_exists(customerId)' : 'version = :expected',
      ExpressionAttributeValues: values,
    });
  }

  async markAlertPublished(customerId: string, transactionId: string): Promise<void> {
    for (let attempt = 1; attempt <= 2; attempt += 1) {
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
        return;
      } catch (error) {
        if (!isConditionFailure(error)) throw error;
      }
      // Not an item: committed and still only in `pending` (a crash), or not applied at all.
      const pending = await this.#pendingOf(customerId);
      if (!pending.some((e) => e.transactionId === transactionId)) return; // nothing to mark
      const flagged = pending.map((e) =>
        e.transactionId === transactionId ? { ...e, alertPublished: true } : e,
      );
      if ((await this.#materialize(flagged)).has(transactionId)) return;
      // Someone wrote it meanwhile, unflagged: mark that item.
    }
  }

  async #pendingOf(customerId: string): Promise<LedgerEntry[]> {
    const { Item } = await this.#client.send(
      new GetCommand({
        TableName: this.#tables.transactionTotal,
        Key: { customerId },
        ConsistentRead: true,
      }),
    );
    return Item ? pendingEntriesOf(Item) : [];
  }

  async listBalances(): Promise<Balance[]> {
    const balances: Balance[] = [];
    const pages = paginateScan(
      { client: this.#client },
      { TableName: this.#tables.transactionTotal, ConsistentRead: true },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) balances.push(toBalance(String(item.customerId), item));
    }
    return balances.sort(byCustomerId);
  }

  /** The materialized entries and those still only in `pending` (read first), by version. */
  async listEntries(customerId: string): Promise<LedgerEntry[]> {
    const pending = await this.#pendingOf(customerId);
    const entries = new Map<string, LedgerEntry>();
    const pages = paginateQuery(
      { client: this.#client },
      {
        TableName: this.#tables.ledgerEntries,
        KeyConditionExpression: 'customerId = :customerId',
        ExpressionAttributeValues: { ':customerId': customerId },
        ConsistentRead: true,
      },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) entries.set(String(item.transactionId), toEntry(item));
    }
    for (const entry of pending) {
      if (!entries.has(entry.transactionId)) entries.set(entry.transactionId, entry);
    }
    return [...entries.values()].sort((a, b) => a.version - b.version);
  }

  /**
   * A Query of TransactionTotal's `Listing` index for the page's keys, then the balances
   * themselves (one BatchGetItem, eventually consistent). The index holds keys only, so a
   * commit, which changes the balance and no key, writes the index only when it creates the
   * balance item: listing costs reads when it is used, not a write per commit.
   */
  async balancesPage({ after, limit }: PageRequest): Promise<Page<Balance>> {
    const { Items = [] } = await this.#client.send(
      new QueryCommand(
        listingPageQuery({
          tableName: this.#tables.transactionTotal,
          table: 'TransactionTotal',
          sortKey: 'customerId',
          after,
          limit,
        }),
      ),
    );
    const ids = Items.map((item) => String(item.customerId));
    const page = pageOf(ids, limit, (id) => id);
    const items = await batchGetItems(
      this.#client,
      this.#tables.transactionTotal,
      page.items.map((customerId) => ({ customerId })),
      false,
      this.#batchGet,
    );
    const byId = new Map(items.map((item) => [String(item.customerId), item]));
    // A balance listed by the index is never deleted, so each id has its item.
    const balances = page.items.map((id) => toBalance(id, byId.get(id)));
    return page.next === undefined ? { items: balances } : { items: balances, next: page.next };
  }

  async findBalance(customerId: string): Promise<Balance | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tables.transactionTotal, Key: { customerId } }),
    );
    return Item ? toBalance(customerId, Item) : undefined;
  }

  /**
   * A Query of the customer's entry items, with the entries its balance item still holds in
   * `pending` (committed, not yet items) past `after`. One of those that sorts after the
   * Query's last item is never in the page: the Query's `limit` + 1 items come before it.
   */
  async entriesPage(customerId: string, { after, limit }: PageRequest): Promise<Page<LedgerEntry>> {
    // The balance first, then the items: an entry is in `pending` or an item, or both, when
    // read in this order (a commit replaces `pending` only once it is written as items).
    const { Item: balanceItem } = await this.#client.send(
      new GetCommand({
        TableName: this.#tables.transactionTotal,
        Key: { customerId },
        ConsistentRead: true,
      }),
    );
    const { Items = [] } = await this.#client.send(
      new QueryCommand(
        partitionPageQuery({
          tableName: this.#tables.ledgerEntries,
          partitionKey: 'customerId',
          partitionValue: customerId,
          sortKey: 'transactionId',
          after,
          limit,
          consistentRead: true,
        }),
      ),
    );
    const merged = new Map(Items.map((item) => [String(item.transactionId), toEntry(item)]));
    for (const entry of pendingAfter(balanceItem, after)) {
      if (!merged.has(entry.transactionId)) merged.set(entry.transactionId, entry);
    }
    const inOrder = [...merged.values()].sort((a, b) =>
      a.transactionId < b.transactionId ? -1 : a.transactionId > b.transactionId ? 1 : 0,
    );
    return pageOf(inOrder, limit, (e) => e.transactionId);
  }
}

/** A balance item's committed entries not yet items, past `after` by transaction id. */
function pendingAfter(balanceItem: Item | undefined, after: string | undefined): LedgerEntry[] {
  return (balanceItem ? pendingEntriesOf(balanceItem) : []).filter(
    (e) => after === undefined || e.transactionId > after,
  );
}

/** Each customer's balance and, of its asked-for transactions, those applied. */
function snapshotsOf(
  customers: readonly CustomerRead[],
  balanceItems: readonly Item[],
  found: readonly LedgerEntry[],
  pending: readonly LedgerEntry[],
): Map<string, CustomerSnapshot> {
  const balances = new Map(balanceItems.map((item) => [String(item.customerId), item]));
  const applied = new Map<string, LedgerEntry>();
  // A materialized entry wins over its pending copy: it carries the alert flag.
  for (const entry of [...pending, ...found]) {
    applied.set(entryKey(entry.customerId, entry.transactionId), entry);
  }
  return new Map(
    customers.map(({ customerId, transactionIds }) => {
      const ofCustomer = new Map<string, LedgerEntry>();
      for (const transactionId of transactionIds) {
        const entry = applied.get(entryKey(customerId, transactionId));
        if (entry) ofCustomer.set(transactionId, entry);
      }
      return [
        customerId,
        { balance: toBalance(customerId, balances.get(customerId)), applied: ofCustomer },
      ];
    }),
  );
}

export type { DynamoDbLedgerStoreOptions, LedgerTableNames };
export { DynamoDbLedgerStore };
