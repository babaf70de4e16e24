import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { buildTxnflowApp } from '../../cdk/txnflow-app.ts';

type StackKey = 'bus' | 'ingest' | 'ledger' | 'alerting';

/**
 * The configurations the template tests read, each synthesized once per test run. Stacks
 * are independent, so one app can carry the settings of several tests: the bus reads the
 * archive retention and the operations emails, the ledger the threshold, the alerting stack
 * the email address.
 */
const TEMPLATE_VARIANTS = {
  /** Stage `test` and every other setting at its default. */
  defaults: {},
  /** Every setting a stack test changes away from its default. */
  configured: {
    'txnflow:archiveRetentionDays': '90',
    'txnflow:highBalanceThreshold': '2000.00',
    'txnflow:alertEmail': 'credit@example.com',
    'txnflow:opsEmail': 'ops@example.com, oncall@example.com',
  },
  /** A second stage beside `test` in the same account: no physical name may be shared. */
  secondStage: { 'txnflow:stage': 'prod' },
} as const satisfies Record<string, Record<string, string>>;

type TemplateVariant = keyof typeof TEMPLATE_VARIANTS;

/** Where each variant's stack templates were written: template file paths by stack. */
type SynthesizedTemplates = Readonly<Record<TemplateVariant, Readonly<Record<StackKey, string>>>>;

/**
 * Synthesizes every variant into its own folder under `outdir` and answers where each stack
 * template is. Bundling is skipped (the CDK's own `aws:cdk:bundling-stacks` switch) and so is
 * cdk-nag: these templates are for reading; txnflow-app.test.ts bundles and nags for real.
 *
 * @example const templates = synthesizeTemplateVariants('/tmp/txnflow-cdk-out');
 */
function synthesizeTemplateVariants(outdir: string): SynthesizedTemplates {
  const entries = Object.entries(TEMPLATE_VARIANTS).map(([variant, context]) => {
    const app = new App({
      outdir: join(outdir, variant),
      context: { 'txnflow:stage': 'test', 'aws:cdk:bundling-stacks': [], ...context },
    });
    const stacks = buildTxnflowApp(app, { nag: false });
    const assembly = app.synth();
    const fileOf = (key: StackKey) =>
      join(assembly.directory, assembly.getStackArtifact(stacks[key].artifactId).templateFile);
    const files = {
      bus: fileOf('bus'),
      ingest: fileOf('ingest'),
      ledger: fileOf('ledger'),
      alerting: fileOf('alerting'),
    };
    return [variant, files] as const;
  });
  return Object.fromEntries(entries) as SynthesizedTemplates;
}

export type { StackKey, SynthesizedTemplates, TemplateVariant };
export { synthesizeTemplateVariants, TEMPLATE_VARIANTS };
