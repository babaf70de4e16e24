import { afterAll, beforeAll, describe } from 'vitest';
import {
  type DynamoDbLocal,
  dynamoDbLocalAvailability,
  startDynamoDbLocal,
} from '../../../../../test/support/dynamodb-local.ts';
import { DynamoDbLedgerStore } from '../../../src/adapters/aws/dynamodb-ledger-store.ts';
import { ledgerManifest } from '../../../src/manifest.ts';
import { describeLedgerStore } from '../../ports/ledger-store.suite.ts';

const availability = await dynamoDbLocalAvailability();

describe.skipIf(!availability.available)('DynamoDbLedgerStore on DynamoDB Local', () => {
  let dynamo: DynamoDbLocal;
  beforeAll(async () => {
    if (availability.available) dynamo = await startDynamoDbLocal(availability.emulatorDir);
  }, 60_000);
  afterAll(async () => {
    await dynamo?.stop();
  });

  describeLedgerStore('DynamoDB', async () => {
    const names = await dynamo.createTables(ledgerManifest.tables);
    return new DynamoDbLedgerStore(dynamo.documentClient, {
      transactionTotal: names.TransactionTotal ?? '',
      ledgerEntries: names.LedgerEntries ?? '',
    });
  });
});
