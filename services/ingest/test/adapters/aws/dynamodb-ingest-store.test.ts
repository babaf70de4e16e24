import { afterAll, beforeAll, describe } from 'vitest';
import {
  type DynamoDbLocal,
  dynamoDbLocalAvailability,
  startDynamoDbLocal,
} from '../../../../../test/support/dynamodb-local.ts';
import { DynamoDbIngestStore } from '../../../src/adapters/aws/dynamodb-ingest-store.ts';
import { ingestManifest } from '../../../src/manifest.ts';
import { describeIngestStore } from '../../ports/ingest-store.suite.ts';

const availability = await dynamoDbLocalAvailability();

describe.skipIf(!availability.available)('DynamoDbIngestStore on DynamoDB Local', () => {
  let dynamo: DynamoDbLocal;
  beforeAll(async () => {
    if (availability.available) dynamo = await startDynamoDbLocal(availability.emulatorDir);
  }, 60_000);
  afterAll(async () => {
    await dynamo?.stop();
  });

  describeIngestStore('DynamoDB', async () => {
    const names = await dynamo.createTables(ingestManifest.tables);
    return new DynamoDbIngestStore(dynamo.documentClient, {
      customer: names.Customer ?? '',
      transactions: names.Transactions ?? '',
    });
  });
});
