import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Proves that each service stands alone: for each, a copy of the repository holding only that
 * service, the contracts and the shared infra (the CDK constructs, the service stack and the
 * service's own app, the shared test support), with a node_modules whose `@txnflow` packages
 * are those three alone; in it the service type-checks, its tests pass and its own CDK app
 * synthesizes its stack, Lambda bundles included. An import of another service's code, by
 * package or by path, finds nothing there and fails the step.
 *
 * Usage: npx tsx infra/ci/services-alone.ts [SERVICE...]  (default: every service)
 */

const SERVICES = ['ingest', 'ledger', 'alerting'] as const;
type Service = (typeof SERVICES)[number];

const REPO = fileURLToPath(new URL('../..', import.meta.url));

/**
 * Whether a file of the repository belongs in the copy of `service`: its own folder, the
 * contracts, the shared CDK code and its own app, the shared test support, the sample data
 * and the root's configuration; never another service's code or what composes them all.
 *
 * @example belongsTo('ledger', 'services/ingest/src/index.ts') // false
 */
function belongsTo(service: Service, file: string): boolean {
  const others = SERVICES.filter((s) => s !== service);
  const [top, second, third] = file.split('/');
  if (top === 'contracts' || top === 'sample-data') return true;
  if (top === 'services') return second === service;
  if (top === 'test') return second === 'support';
  if (top === 'infra') {
    if (file === 'infra/package.json') return true;
    if (second !== 'cdk') return false;
    // What composes every service: the app of all stacks and its entry.
    if (third === 'app.ts' || third === 'txnflow-app.ts') return false;
    return !others.some((o) => file.endsWith(`/${o}-stack.ts`) || file.endsWith(`/${o}-app.ts`));
  }
  return !file.includes('/') && !file.startsWith('.');
}

/** The repository's files as the working tree has them (tracked, and new ones not ignored). */
function repositoryFiles(): string[] {
  const listed = spawnSync(
    'git',
    ['ls-files', '-z', '--cached', '--others', '--exclude-standard'],
    {
      cwd: REPO,
      encoding: 'utf8',
    },
  );
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  return listed.stdout.split('\0').filter((f) => f && existsSync(join(REPO, f)));
}

/**
 * Node.js and TypeScript look for a missing package in every folder above the copy too: none
 * of them may hold txnflow's packages, or an import of another service would find it there.
 */
function assertNothingAbove(dir: string): void {
  for (let up = dirname(dir); ; up = dirname(up)) {
    if (existsSync(join(up, 'node_modules', '@txnflow'))) {
      throw new Error(
        `${up}/node_modules/@txnflow exists: a copy under ${up} would not stand alone`,
      );
    }
    if (dirname(up) === up) return;
  }
}

/**
 * The repository's node_modules, linked, except txnflow's own packages: only the contracts,
 * the shared infra and the service are there, each the copy's folder.
 */
async function linkDependencies(service: Service, copy: string): Promise<void> {
  const modules = join(copy, 'node_modules');
  await mkdir(join(modules, '@txnflow'), { recursive: true });
  for (const entry of await readdir(join(REPO, 'node_modules'))) {
    if (entry === '@txnflow') continue;
    await symlink(join(REPO, 'node_modules', entry), join(modules, entry));
  }
  const own = { contracts: 'contracts', infra: 'infra', [service]: `services/${service}` };
  for (const [name, folder] of Object.entries(own)) {
    await symlink(join('..', '..', folder), join(modules, '@txnflow', name));
  }
}

/**
 * Copies what `service` may use of the repository into a fresh folder under the system's
 * temporary folder, with its node_modules; returns the folder.
 *
 * @example const copy = await prepareStandaloneCopy('ledger');
 */
async function prepareStandaloneCopy(service: Service): Promise<string> {
  const copy = await mkdtemp(join(tmpdir(), `txnflow-${service}-alone-`));
  assertNothingAbove(copy);
  for (const file of repositoryFiles().filter((f) => belongsTo(service, f))) {
    await cp(join(REPO, file), join(copy, file), { force: true });
  }
  await linkDependencies(service, copy);
  return copy;
}

interface StepOutcome {
  readonly step: string;
  readonly ok: boolean;
  readonly seconds: number;
  /** Its output, when it was captured rather than shown. */
  readonly output: string;
}

/** Runs a Node.js script of a package in the copy. */
function runNode(
  step: string,
  cwd: string,
  script: string[],
  options: { env?: NodeJS.ProcessEnv; capture?: boolean } = {},
): StepOutcome {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, script, {
    cwd,
    env: { ...process.env, ...options.env },
    encoding: 'utf8',
    stdio: options.capture ? 'pipe' : 'inherit',
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const output = options.capture ? `${result.stdout ?? ''}${result.stderr ?? ''}` : '';
  return { step, ok: result.status === 0, seconds, output };
}

/**
 * The service's type-check in the copy: its code, its tests and its own CDK app.
 *
 * @example typecheckAlone(copy, 'ledger').ok
 */
function typecheckAlone(copy: string, service: Service, capture = false): StepOutcome {
  const tsc = join(copy, 'node_modules', 'typescript', 'bin', 'tsc');
  return runNode('type-check', copy, [tsc, '-p', `services/${service}/tsconfig.json`], { capture });
}

/** The service's tests in the copy; CI's report fails a run where a test did not run. */
function testAlone(copy: string, service: Service): StepOutcome {
  const vitest = join(copy, 'node_modules', 'vitest', 'vitest.mjs');
  const report = join(copy, 'vitest.json');
  const args = [vitest, 'run', '--reporter=dot', '--reporter=json', `--outputFile.json=${report}`];
  const run = runNode('tests', join(copy, 'services', service), args);
  const checked = runNode('tests', copy, [join(REPO, '.ci', 'test-report.mjs'), report]);
  return { ...run, ok: run.ok && checked.ok };
}

/** The service's own CDK app, synthesized (Lambda bundles included), and its template found. */
async function synthAlone(copy: string, service: Service): Promise<StepOutcome> {
  const outdir = join(copy, 'cdk.out');
  const tsx = join(copy, 'node_modules', 'tsx', 'dist', 'cli.mjs');
  const run = runNode('synth', copy, [tsx, `infra/cdk/apps/${service}-app.ts`], {
    env: { CDK_OUTDIR: outdir },
  });
  if (!run.ok) return run;
  const manifest = JSON.parse(await readFile(join(outdir, 'manifest.json'), 'utf8')) as {
    artifacts: Record<string, { type: string }>;
  };
  const stacks = Object.entries(manifest.artifacts)
    .filter(([, a]) => a.type === 'aws:cloudformation:stack')
    .map(([name]) => name);
  const only = stacks.length === 1 && stacks[0]?.endsWith(`-${service}`);
  if (!only)
    console.error(`${service}: expected its stack alone, synthesized ${stacks.join(', ')}`);
  return { ...run, ok: Boolean(only) };
}

async function standAlone(service: Service): Promise<StepOutcome[]> {
  const copy = await prepareStandaloneCopy(service);
  const outcomes: StepOutcome[] = [];
  try {
    console.log(
      `\n== ${service} alone: services/${service}, contracts and shared infra in ${copy}`,
    );
    for (const step of [
      async () => typecheckAlone(copy, service),
      async () => testAlone(copy, service),
      () => synthAlone(copy, service),
    ]) {
      const outcome = await step();
      outcomes.push(outcome);
      console.log(
        `== ${service}: ${outcome.step} ${outcome.ok ? 'passed' : 'FAILED'} in ${outcome.seconds.toFixed(0)} s`,
      );
      if (!outcome.ok) break;
    }
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
  return outcomes;
}

async function main(requested: readonly string[]): Promise<number> {
  const unknown = requested.filter((s) => !(SERVICES as readonly string[]).includes(s));
  if (unknown.length > 0) {
    console.error(`unknown service ${unknown.join(', ')} (known: ${SERVICES.join(', ')})`);
    return 2;
  }
  const services = requested.length > 0 ? (requested as Service[]) : [...SERVICES];
  const failed: string[] = [];
  for (const service of services) {
    const outcomes = await standAlone(service);
    const failure = outcomes.find((o) => !o.ok);
    if (failure || outcomes.length < 3)
      failed.push(`${service} (${failure?.step ?? 'incomplete'})`);
  }
  console.log(
    failed.length === 0
      ? `\n== every service stands alone: ${services.join(', ')}`
      : `\n== FAILED: ${failed.join(', ')} did not stand alone`,
  );
  return failed.length === 0 ? 0 : 1;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  process.exitCode = await main(process.argv.slice(2));
}

export type { Service, StepOutcome };
export { belongsTo, prepareStandaloneCopy, SERVICES, typecheckAlone };
