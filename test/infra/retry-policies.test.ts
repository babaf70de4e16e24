import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertingManifest } from '@txnflow/alerting';
import type { ServiceManifest } from '@txnflow/contracts';
import { ingestManifest } from '@txnflow/ingest';
import { ledgerManifest } from '@txnflow/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../infra/local/index.ts';
import { LocalTxnflow } from '../../infra/local-app/local-txnflow.ts';
import type { StackKey } from '../../infra/test/cdk/template-variants.ts';
import {
  type Json,
  logicalId,
  onlyTargetOf,
  propertiesOf,
  resourcesOfType,
  ruleNamed,
  templateOf,
} from '../../infra/test/cdk/txnflow-templates.ts';

/**
 * The local runtime retries as the deployed stacks do, read from the synthesized templates:
 * a rule delivering to a queue retries as its EventBridge target's RetryPolicy says; a rule
 * invoking a function retries the function's errors as its Lambda EventInvokeConfig says
 * (locally the handler stands for both hops, and what fails is the function).
 */

const services = [
  ['ingest', ingestManifest],
  ['ledger', ledgerManifest],
  ['alerting', alertingManifest],
] as const satisfies readonly (readonly [StackKey, ServiceManifest])[];

const rules = services.flatMap(([stack, manifest]) =>
  manifest.subscriptions.map((s) => [s.rule, stack, s.bus, s.target] as const),
);

/** The retry policy the template gives a rule: its target's, or its function's async one. */
function deployedRetryPolicy(stack: StackKey, rule: string) {
  const template = templateOf('defaults', stack);
  const target = onlyTargetOf(ruleNamed(template, rule)[1]);
  const targetArn = JSON.stringify(target.Arn);
  const invokeConfig = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig')
    .map(([, c]) => propertiesOf(c))
    .find((c) => targetArn.includes(`"${(c.FunctionName as Json).Ref}"`));
  const policy = (invokeConfig ?? (target.RetryPolicy as Json)) as Json;
  return {
    maximumRetryAttempts: policy.MaximumRetryAttempts,
    maximumEventAgeSeconds: policy.MaximumEventAgeInSeconds,
    hop: invokeConfig ? 'Lambda EventInvokeConfig' : 'EventBridge target RetryPolicy',
    deadLetterQueue: JSON.stringify((target.DeadLetterConfig as Json).Arn),
  };
}

describe('Retry policies: the local runtime retries as the CDK stacks set it', () => {
  let dir: string;
  let txnflow: LocalTxnflow;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-retry-policies-'));
    txnflow = LocalTxnflow.open({ stateDir: join(dir, 'state'), env: {} });
  });
  afterAll(async () => {
    txnflow?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it.each(rules)('%s (%s) retries as deployed', (rule, stack, bus, target) => {
    const deployed = deployedRetryPolicy(stack, rule);
    const [local] = txnflow.runtime.listTargetsByRule({
      rule,
      eventBusName: bus === 'default' ? 'default' : 'txnflow',
    });

    expect(deployed.hop).toBe(
      target.kind === 'function' ? 'Lambda EventInvokeConfig' : 'EventBridge target RetryPolicy',
    );
    expect(local?.retryPolicy).toEqual({
      maximumRetryAttempts: deployed.maximumRetryAttempts,
      maximumEventAgeSeconds: deployed.maximumEventAgeSeconds,
    });
    // The same dead-letter queue: the rule's own, `<rule>DLQ` locally, `<rule>DLQ…` deployed.
    expect(local?.deadLetterQueue).toBe(`${rule}DLQ`);
    expect(deployed.deadLetterQueue).toContain(
      `"${logicalId(templateOf('defaults', stack), 'AWS::SQS::Queue', `${rule}DLQQueue`)}"`,
    );
  });
});

describe('Retry policies in a run: a function that always fails', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-retry-run-'));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('is tried once and retried as often as Lambda retries it on AWS, then dead-lettered', async () => {
    const template = templateOf('defaults', 'ingest');
    const [[, invokeConfig]] = resourcesOfType(template, 'AWS::Lambda::EventInvokeConfig') as [
      [string, Json],
    ];
    const retries = propertiesOf(invokeConfig).MaximumRetryAttempts;
    const file = join(dir, 'transactions.txt');
    await writeFile(
      file,
      'customer_id|customer_address|trn_id|trn_date|trn_amount\nC1|A|T1|2026-11-02|1.00\n',
    );
    const attempts: number[] = [];
    const txnflow = LocalTxnflow.open({
      stateDir: join(dir, 'state'),
      env: {},
      // A test clock: the backoff between attempts is skipped, not waited out.
      clock: new ManualClock(Date.parse('2026-11-20T09:00:00Z')),
      faults: { failRate: 1, seed: 1, onFault: (f) => attempts.push(f.attempt) },
    });
    try {
      const [ingested] = await txnflow.ingest(txnflow.planUploads([file]));
      const [deadLetter] = txnflow.queue('UploadsObjectCreatedToIngestDLQ');

      expect(ingested?.summary).toBeUndefined();
      expect(attempts).toEqual(Array.from({ length: Number(retries) + 1 }, (_, i) => i + 1));
      expect(deadLetter?.attributes).toMatchObject({
        RETRY_ATTEMPTS: String(retries),
        EXHAUSTED_RETRY_CONDITION: 'MaximumRetryAttempts',
      });
    } finally {
      txnflow.close();
    }
  });
});
