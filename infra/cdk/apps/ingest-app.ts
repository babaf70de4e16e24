import { App } from 'aws-cdk-lib';
import { finishApp, serviceAppSettings } from '../service-app.ts';
import { addIngestStack } from '../stacks/ingest-stack.ts';

// The ingest stack alone, built without the other services' code, for the team that ships it:
// npx cdk --app "npx tsx infra/cdk/apps/ingest-app.ts" deploy txnflow-dev-ingest
const app = new App();
const settings = serviceAppSettings(app);
addIngestStack(app, settings);
finishApp(app, settings);
app.synth();
