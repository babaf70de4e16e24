import { describeOnDynamoDbLocal } from '../../../../test/support/dynamodb-local.ts';
import { DynamoDbLedgerStore } from '../../src/adapters/aws/dynamodb-ledger-store.ts';
import { ledgerManifest } from '../../src/manifest.ts';
import { failingWrites } from '../support/failing-writes.ts';
import { describeLedgerProperties } from './apply-transactions.properties.ts';

await describeOnDynamoDbLocal('DynamoDbLedgerStore properties', (dynamo) => {
  describeLedgerProperties(
    'DynamoDB Local',
    async (faults) => {
      const names = await dynamo().createTables(ledgerManifest.tables);
      // Entry puts the tape picks are lost: committed entries left only in their balance.
      const client = failingWrites(
        dynamo().documentClient,
        (command) =>
          command.constructor.name === 'PutCommand' &&
          command.input.TableName === names.LedgerEntries &&
          faults.loseNext(),
      );
      return new DynamoDbLedgerStore(client, {
        transactionTotal: names.TransactionTotal ?? '',
        ledgerEntries: names.LedgerEntries ?? '',
      });
    },
    // Each run is a few hundred HTTP calls to the emulator: fewer runs, the same properties.
    { numRuns: 100 },
  );
});
