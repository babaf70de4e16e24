import { App } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { finishApp, serviceAppSettings } from '../../cdk/service-app.ts';
import { addAlertingStack } from '../../cdk/stacks/alerting-stack.ts';
import { addIngestStack } from '../../cdk/stacks/ingest-stack.ts';
import { addLedgerStack } from '../../cdk/stacks/ledger-stack.ts';
import { templateOf } from './txnflow-templates.ts';

const addStack = { ingest: addIngestStack, ledger: addLedgerStack, alerting: addAlertingStack };

describe("A service's own app (infra/cdk/apps/)", () => {
  it.each(Object.keys(addStack) as (keyof typeof addStack)[])(
    'builds the same %s stack as the app of every stack does',
    (service) => {
      // The settings of the shared templates' `defaults` variant (template-variants.ts).
      const app = new App({ context: { 'txnflow:stage': 'test', 'aws:cdk:bundling-stacks': [] } });
      const settings = serviceAppSettings(app);
      const stack = addStack[service](app, settings);
      finishApp(app, settings, { nag: false });

      expect(stack.stackName).toBe(`txnflow-test-${service}`);
      expect(Template.fromStack(stack).toJSON()).toEqual(templateOf('defaults', service).toJSON());
    },
  );
});
