import { App } from 'aws-cdk-lib';
import { finishApp, serviceAppSettings } from '../service-app.ts';
import { addAlertingStack } from '../stacks/alerting-stack.ts';

// The alerting stack alone, built without the other services' code, for the team that ships it:
// npx cdk --app "npx tsx infra/cdk/apps/alerting-app.ts" deploy txnflow-dev-alerting
const app = new App();
const settings = serviceAppSettings(app);
addAlertingStack(app, settings);
finishApp(app, settings);
app.synth();
