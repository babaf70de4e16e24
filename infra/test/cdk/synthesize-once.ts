import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { type SynthesizedTemplates, synthesizeTemplateVariants } from './template-variants.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The synthesized CDK templates of every variant (see template-variants.ts). */
    txnflowTemplates: SynthesizedTemplates;
  }
}

interface Synthesis {
  readonly dir: string;
  readonly templates: SynthesizedTemplates;
}

/**
 * Kept on the process: the infra project and the cross-service `test` project both name this
 * global setup, and Vitest loads a global setup file once per project, in the one main
 * process. The first project synthesizes, the second reuses the same folder.
 */
const SHARED = Symbol.for('txnflow.test.synthesizedTemplates');
type ProcessWithSynthesis = typeof globalThis & { [SHARED]?: Promise<Synthesis> };

async function synthesize(): Promise<Synthesis> {
  const dir = await mkdtemp(join(tmpdir(), 'txnflow-cdk-templates-'));
  return { dir, templates: synthesizeTemplateVariants(dir) };
}

/**
 * Vitest global setup: synthesizes the CDK app's template variants once per test run, before
 * any test file starts, and provides where they are (`inject('txnflowTemplates')`). A global
 * setup has no hook timeout, so a slow machine makes the run slower, never red.
 *
 * @example export default defineConfig({ test: { globalSetup: ['./test/cdk/synthesize-once.ts'] } });
 */
async function setup(project: TestProject): Promise<() => Promise<void>> {
  const shared = globalThis as ProcessWithSynthesis;
  shared[SHARED] ??= synthesize();
  const { dir, templates } = await shared[SHARED];
  project.provide('txnflowTemplates', templates);
  return async () => {
    await rm(dir, { recursive: true, force: true });
  };
}

export default setup;
