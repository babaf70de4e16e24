import { App } from 'aws-cdk-lib';
import { buildTxnflowApp } from './txnflow-app.ts';

// `npx cdk synth --all`, `npx cdk deploy txnflow-dev-ledger`: see README-deploy.md.
const app = new App();
buildTxnflowApp(app);
app.synth();
