import { describeOnDynamoDbLocal } from '../../../../../test/support/dynamodb-local.ts';
import { DynamoDbIngestStore } from '../../../src/adapters/aws/dynamodb-ingest-store.ts';
import { ingestManifest } from '../../../src/manifest.ts';
import { describeIngestQueries } from '../../ports/ingest-queries.suite.ts';
import { describeIngestStore } from '../../ports/ingest-store.suite.ts';

await describeOnDynamoDbLocal('DynamoDbIngestStore', (dynamo) => {
  const makeStore = async () => {
    const names = await dynamo().createTables(ingestManifest.tables);
    return new DynamoDbIngestStore(dynamo().documentClient, {
      customer: names.Customer ?? '',
      transactions: names.Transactions ?? '',
      uploads: names.Uploads ?? '',
    });
  };
  describeIngestStore('DynamoDB', makeStore);
  describeIngestQueries('DynamoDB', makeStore);
});
