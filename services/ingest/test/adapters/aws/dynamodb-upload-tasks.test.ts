import { describeOnDynamoDbLocal } from '../../../../../test/support/dynamodb-local.ts';
import { DynamoDbUploadTasks } from '../../../src/adapters/aws/dynamodb-upload-tasks.ts';
import { ingestManifest } from '../../../src/manifest.ts';
import { describeUploadTasks } from '../../ports/upload-tasks.suite.ts';

await describeOnDynamoDbLocal('DynamoDbUploadTasks', (dynamo) => {
  describeUploadTasks('DynamoDB', async () => {
    const names = await dynamo().createTables(ingestManifest.tables);
    return new DynamoDbUploadTasks(dynamo().documentClient, names.UploadTasks ?? '');
  });
});
