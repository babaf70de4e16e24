import { describeOnDynamoDbLocal } from '../../../../../test/support/dynamodb-local.ts';
import { DynamoDbAlertStore } from '../../../src/adapters/aws/dynamodb-alert-store.ts';
import { alertingManifest } from '../../../src/manifest.ts';
import { describeAlertQueries } from '../../ports/alert-queries.suite.ts';
import { describeAlertStore } from '../../ports/alert-store.suite.ts';

await describeOnDynamoDbLocal('DynamoDbAlertStore', (dynamo) => {
  const makeStore = async () => {
    const names = await dynamo().createTables(alertingManifest.tables);
    return new DynamoDbAlertStore(dynamo().documentClient, names.Alerts ?? '');
  };
  describeAlertStore('DynamoDB', makeStore);
  describeAlertQueries('DynamoDB', makeStore);
});
