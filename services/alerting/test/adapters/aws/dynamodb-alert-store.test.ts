import { afterAll, beforeAll, describe } from 'vitest';
import {
  type DynamoDbLocal,
  dynamoDbLocalAvailability,
  startDynamoDbLocal,
} from '../../../../../test/support/dynamodb-local.ts';
import { DynamoDbAlertStore } from '../../../src/adapters/aws/dynamodb-alert-store.ts';
import { alertingManifest } from '../../../src/manifest.ts';
import { describeAlertStore } from '../../ports/alert-store.suite.ts';

const availability = await dynamoDbLocalAvailability();

describe.skipIf(!availability.available)('DynamoDbAlertStore on DynamoDB Local', () => {
  let dynamo: DynamoDbLocal;
  beforeAll(async () => {
    if (availability.available) dynamo = await startDynamoDbLocal(availability.emulatorDir);
  }, 60_000);
  afterAll(async () => {
    await dynamo?.stop();
  });

  describeAlertStore('DynamoDB', async () => {
    const names = await dynamo.createTables(alertingManifest.tables);
    return new DynamoDbAlertStore(dynamo.documentClient, names.Alerts ?? '');
  });
});
