import { type DynamoDBDocumentClient, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { formatMoney } from '@txnflow/contracts';
import { beforeEach, expect, it } from 'vitest';
import { describeOnDynamoDbLocal } from '../../../../../test/support/dynamodb-local.ts';
import { DynamoDbLedgerStore } from '../../../src/adapters/aws/dynamodb-ledger-store.ts';
import { applyTransactions } from '../../../src/domain/apply-transaction.ts';
import { ledgerManifest } from '../../../src/manifest.ts';
import {
  alertsOf,
  expectLedgerInvariants,
  type OracleTransaction,
} from '../../properties/ledger-invariants.ts';
import { chainOf, RecordingPublisher, transactionRecorded } from '../../support/factories.ts';
import { failingWrites } from '../../support/failing-writes.ts';

const THRESHOLD = 150_000;

await describeOnDynamoDbLocal(
  'DynamoDbLedgerStore after a crash between commit and entries',
  (dynamo) => {
    let names: Record<string, string>;
    let store: DynamoDbLedgerStore;
    let publisher: RecordingPublisher;
    /** Entries (customer/transaction) whose first put is lost, as if the process died. */
    let lost: Set<string>;

    /** The entries written as items, without the store's view of `pending`. */
    const itemsOf = async (customerId: string): Promise<string[]> => {
      const client: DynamoDBDocumentClient = dynamo().documentClient;
      const { Items = [] } = await client.send(
        new QueryCommand({
          TableName: names.LedgerEntries,
          KeyConditionExpression: 'customerId = :c',
          ExpressionAttributeValues: { ':c': customerId },
          ConsistentRead: true,
        }),
      );
      return Items.map((item) => String(item.transactionId)).sort();
    };
    const apply = (transactions: readonly OracleTransaction[]) =>
      applyTransactions(
        transactions.map(({ customerId, transactionId, amountCents }) =>
          transactionRecorded({ customerId, transactionId, amount: formatMoney(amountCents) }),
        ),
        { store, publisher, thresholdCents: THRESHOLD },
      );

    beforeEach(async () => {
      names = await dynamo().createTables(ledgerManifest.tables);
      lost = new Set();
      publisher = new RecordingPublisher();
      const client = failingWrites(dynamo().documentClient, (command) => {
        const { TableName, Item } = command.input;
        if (command.constructor.name !== 'PutCommand' || TableName !== names.LedgerEntries)
          return false;
        return lost.delete(`${Item?.customerId}/${Item?.transactionId}`);
      });
      store = new DynamoDbLedgerStore(client, {
        transactionTotal: names.TransactionTotal ?? '',
        ledgerEntries: names.LedgerEntries ?? '',
      });
    }, 60_000);

    it('loses nothing and counts nothing twice when a batch committed but its entries were not written', async () => {
      const first: OracleTransaction[] = [
        { customerId: 'C1', transactionId: 'T1', amountCents: 100_000 },
        { customerId: 'C1', transactionId: 'T2', amountCents: 60_000 },
        { customerId: 'C2', transactionId: 'T1', amountCents: 500 },
      ];
      const later: OracleTransaction[] = [
        { customerId: 'C2', transactionId: 'T2', amountCents: 700 },
        { customerId: 'C1', transactionId: 'T3', amountCents: -20_000 },
      ];
      for (const key of ['C1/T1', 'C1/T2', 'C2/T1']) lost.add(key);

      const crashed = await apply(first);

      // Committed: the balances moved and the chains are whole, held in the balances' pending
      // entries; the items are not all written, and the crossing's alert is still owed a mark.
      expect([await itemsOf('C1'), await itemsOf('C2')]).toEqual([['T1'], []]);
      expect(await store.listBalances()).toEqual([
        { customerId: 'C1', cents: 160_000, version: 2 },
        { customerId: 'C2', cents: 500, version: 1 },
      ]);
      expect((await store.listEntries('C1')).map((e) => [e.transactionId, e.version])).toEqual([
        ['T1', 1],
        ['T2', 2],
      ]);
      expect(crashed.map((r) => r.ok)).toEqual([true, false, true]);

      const results = await apply([...later, ...first]); // more rows, and the batch redelivered

      expect(results.every((r) => r.ok)).toBe(true);
      expect([await itemsOf('C1'), await itemsOf('C2')]).toEqual([
        ['T1', 'T2', 'T3'],
        ['T1', 'T2'],
      ]);
      await expectLedgerInvariants(
        store,
        [...first, ...later],
        alertsOf(publisher.published),
        THRESHOLD,
      );
    });

    it('writes the entries a crash left in pending before committing on top of them, even without a read', async () => {
      lost.add('C1/T1');

      const crashed = await store.commit([
        { customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [100]) },
      ]);
      const next = await store.commit([
        {
          customerId: 'C1',
          expectedVersion: 1,
          entries: chainOf('C1', [200], { from: { cents: 100, version: 1 }, firstId: 2 }),
        },
      ]);

      expect(crashed).toMatchObject([{ status: 'failed', committedEntries: 1 }]);
      expect(next).toEqual([{ status: 'committed' }]);
      expect(await itemsOf('C1')).toEqual(['T1', 'T2']);
      expect((await store.listEntries('C1')).map((e) => [e.transactionId, e.version])).toEqual([
        ['T1', 1],
        ['T2', 2],
      ]);
    });

    it("pages a customer's entries with those a crash left only in pending, each once and in order", async () => {
      // T1..T5 committed and written; then T10, T11, T12 committed, T12 (the last) not
      // written. By transaction id T10..T12 sort between T1 and T2, inside a page.
      await store.commit([
        { customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [1, 2, 3, 4, 5]) },
      ]);
      lost.add('C1/T12');
      await store.commit([
        {
          customerId: 'C1',
          expectedVersion: 5,
          entries: chainOf('C1', [6, 7, 8], { from: { cents: 15, version: 5 }, firstId: 10 }),
        },
      ]);
      expect(await itemsOf('C1')).toEqual(['T1', 'T10', 'T11', 'T2', 'T3', 'T4', 'T5']);

      const pages: string[][] = [];
      let after: string | undefined;
      do {
        const page = await store.entriesPage('C1', { after, limit: 3 });
        pages.push(page.items.map((e) => `${e.transactionId}@${e.version}`));
        after = page.next;
      } while (after !== undefined);

      expect(pages).toEqual([
        ['T1@1', 'T10@6', 'T11@7'],
        ['T12@8', 'T2@2', 'T3@3'],
        ['T4@4', 'T5@5'],
      ]);
    });
  },
);
