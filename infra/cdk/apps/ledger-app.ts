import { App } from 'aws-cdk-lib';
import { finishApp, serviceAppSettings } from '../service-app.ts';
import { addLedgerStack } from '../stacks/ledger-stack.ts';

// The ledger stack alone, built without the other services' code, for the team that ships it:
// npx cdk --app "npx tsx infra/cdk/apps/ledger-app.ts" deploy txnflow-dev-ledger
const app = new App();
const settings = serviceAppSettings(app);
addLedgerStack(app, settings);
finishApp(app, settings);
app.synth();
