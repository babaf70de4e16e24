import { describeOnDynamoDbLocal } from '../../../../../test/support/dynamodb-local.ts';
import { DynamoDbLedgerStore } from '../../../src/adapters/aws/dynamodb-ledger-store.ts';
import { ledgerManifest } from '../../../src/manifest.ts';
import { describeLedgerQueries } from '../../ports/ledger-queries.suite.ts';
import { describeLedgerStore } from '../../ports/ledger-store.suite.ts';

await describeOnDynamoDbLocal('DynamoDbLedgerStore', (dynamo) => {
  const makeStore = async () => {
    const names = await dynamo().createTables(ledgerManifest.tables);
    return new DynamoDbLedgerStore(dynamo().documentClient, {
      transactionTotal: names.TransactionTotal ?? '',
      ledgerEntries: names.LedgerEntries ?? '',
    });
  };
  describeLedgerStore('DynamoDB', makeStore);
  describeLedgerQueries('DynamoDB', makeStore);
});
