import { describeOnDynamoDbLocal } from '../../../../test/support/dynamodb-local.ts';
import { DynamoDbLedgerStore } from '../../src/adapters/aws/dynamodb-ledger-store.ts';
import { ledgerManifest } from '../../src/manifest.ts';
import { describeLedgerProperties } from './apply-transactions.properties.ts';

await describeOnDynamoDbLocal('DynamoDbLedgerStore properties', (dynamo) => {
  describeLedgerProperties(
    'DynamoDB Local',
    async () => {
      const names = await dynamo().createTables(ledgerManifest.tables);
      return new DynamoDbLedgerStore(dynamo().documentClient, {
        transactionTotal: names.TransactionTotal ?? '',
        ledgerEntries: names.LedgerEntries ?? '',
      });
    },
    // Each run is a few hundred HTTP calls to the emulator: fewer runs, the same properties.
    { numRuns: 100 },
  );
});
