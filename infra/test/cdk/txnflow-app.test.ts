import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { builtinModules } from 'node:module';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTxnflowApp, type TxnflowStacks } from '../../cdk/txnflow-app.ts';

const services = ['ingest', 'ledger', 'alerting'] as const;

interface Resource {
  readonly Type: string;
  readonly Properties: { readonly Code: { readonly S3Key: unknown } };
}

const run = promisify(execFile);

/**
 * A stand-in EventBridge endpoint for the bundles' cold-start check (DescribeEventBus),
 * speaking the SDK's own protocol (awsJson1_1): it knows one bus, and answers the SDK's
 * ResourceNotFoundException for any other. The bundles reach it through
 * AWS_ENDPOINT_URL_EVENTBRIDGE, as they would any endpoint.
 */
async function startEventBridgeEndpoint(
  knownBus: string,
): Promise<{ url: string; server: Server }> {
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      const target = request.headers['x-amz-target'];
      const name = (JSON.parse(body || '{}') as { Name?: string }).Name;
      response.setHeader('content-type', 'application/x-amz-json-1.1');
      if (target === 'AWSEvents.DescribeEventBus' && name === knownBus) {
        response.end(
          JSON.stringify({
            Name: name,
            Arn: `arn:aws:events:eu-west-1:123456789012:event-bus/${name}`,
          }),
        );
        return;
      }
      response.statusCode = 400;
      response.end(
        JSON.stringify({
          __type: 'ResourceNotFoundException',
          message: `Event bus ${String(name)} does not exist.`,
        }),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, server };
}

/**
 * Imports a bundle in a fresh Node.js, as Lambda would, and calls it with an empty batch.
 * The script reports a failed cold start itself, as one short line: Node.js's own report of
 * an uncaught error starts with the whole (minified, 200 KB) source line, and a process that
 * exits at once may leave the end of so long a write unread in the pipe, the error with it.
 */
async function importBundle(dir: string, env: Record<string, string>): Promise<string> {
  const script = `
    try {
      const { handler } = await import(${JSON.stringify(pathToFileURL(join(dir, 'index.mjs')).href)});
      const context = { functionName: 'f', awsRequestId: 'r', getRemainingTimeInMillis: () => 1000 };
      console.log(JSON.stringify(await handler({ Records: [] }, context)));
    } catch (error) {
      console.log(JSON.stringify({ coldStartFailed: \`\${error.name}: \${error.message}\` }));
    }`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
    env: {
      PATH: process.env.PATH,
      AWS_REGION: 'eu-west-1',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      ...env,
    },
  });
  const failure = /"coldStartFailed":(".*")/.exec(stdout)?.[1];
  if (failure !== undefined) throw new Error(JSON.parse(failure) as string);
  return stdout;
}

describe('App: txnflow', () => {
  let app: App;
  let stacks: TxnflowStacks;
  let assembly: CloudAssembly;
  /** What the synth warned of: jsii's deprecation notices (console.warn), annotations. */
  let warnings: string[];
  // Its own synth (stage `qa`, bundled with esbuild, cdk-nag on), not the shared templates:
  // bundling three functions takes tens of seconds on a busy 2-core machine.
  beforeAll(() => {
    const printed: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation((...args: unknown[]) => {
      printed.push(args.map(String).join(' '));
    });
    try {
      app = new App({ context: { 'txnflow:stage': 'qa' } });
      stacks = buildTxnflowApp(app);
      assembly = app.synth();
    } finally {
      warn.mockRestore();
    }
    const annotations = assembly.stacks.flatMap((stack) =>
      stack.messages
        .filter((m) => m.level !== 'info')
        .map((m) => `${m.level} ${m.id}: ${String(m.entry.data)}`),
    );
    warnings = [...printed, ...annotations];
  }, 240_000);

  /** The bundle folder of each function of a service's stack, in template order. */
  function bundlesOf(service: string): string[] {
    const { template } = assembly.getStackByName(`txnflow-qa-${service}`);
    const functions = Object.values(template.Resources as Record<string, Resource>).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    expect(functions.length).toBeGreaterThan(0);
    return functions.map((f) => {
      const assetHash = String(f.Properties.Code.S3Key).replace(/\.zip$/, '');
      return join(assembly.directory, `asset.${assetHash}`);
    });
  }

  /** The bundle of a service's event handler, or of its query API's function. */
  async function bundleOf(service: string, kind: 'handler' | 'api' = 'handler'): Promise<string> {
    const { template } = assembly.getStackByName(`txnflow-qa-${service}`);
    const functions = Object.entries(template.Resources as Record<string, Resource>)
      .filter(
        ([id, r]) =>
          r.Type === 'AWS::Lambda::Function' && id.includes('ApiFunction') === (kind === 'api'),
      )
      .map(([, r]) => r);
    expect(functions).toHaveLength(1);
    const assetHash = String(functions[0]?.Properties.Code.S3Key).replace(/\.zip$/, '');
    return join(assembly.directory, `asset.${assetHash}`);
  }

  it('synthesizes without a warning: no deprecated API read, no warning or error annotation', () => {
    expect(warnings).toEqual([]);
  });

  it('names the stacks after the stage', () => {
    expect(
      app.node.children
        .filter((c) => Stack.isStack(c))
        .map((c) => c.node.id)
        .sort(),
    ).toEqual(['txnflow-qa-alerting', 'txnflow-qa-bus', 'txnflow-qa-ingest', 'txnflow-qa-ledger']);
  });

  it('deploys every stack alone: no stack depends on another', () => {
    for (const key of ['bus', ...services] as const) {
      expect(stacks[key].dependencies.map((d) => d.stackName)).toEqual([]);
    }
  });

  it('shares nothing through CloudFormation exports', () => {
    for (const stack of assembly.stacks) {
      const template = JSON.stringify(stack.template);
      expect(template).not.toContain('Fn::ImportValue');
      expect(JSON.stringify(stack.template.Outputs ?? {})).not.toContain('"Export"');
    }
  });

  it('bundles each function as one ESM file with its source map, needing only Node.js built-ins', async () => {
    for (const bundle of services.flatMap(bundlesOf)) {
      expect((await readdir(bundle)).sort()).toEqual(['index.mjs', 'index.mjs.map']);
      const code = await readFile(join(bundle, 'index.mjs'), 'utf8');
      const imported = new Set([...code.matchAll(/\bfrom\s*"([^"]+)"/g)].map((m) => m[1]));
      const builtIn = (name = '') => name.startsWith('node:') || builtinModules.includes(name);
      expect([...imported].filter((name) => !builtIn(name))).toEqual([]);
      expect(code).not.toContain('better-sqlite3');
      expect(code).toContain('sourceMappingURL=index.mjs.map');
    }
  });

  it('loads each bundle in Node.js and fails a cold start that lacks configuration, naming it', async () => {
    for (const bundle of services.flatMap(bundlesOf)) {
      const loading = importBundle(bundle, {});

      await expect(loading).rejects.toThrowError(
        /MissingEnvironmentError: missing environment variable/,
      );
    }
  });

  describe('the ledger bundle, its cold start checking that its bus exists', () => {
    let eventBridge: { url: string; server: Server };
    beforeAll(async () => {
      eventBridge = await startEventBridgeEndpoint('txnflow-qa');
    });
    afterAll(() => {
      eventBridge.server.close();
    });
    const ledgerEnv = (bus: string) => ({
      TRANSACTION_TOTAL_TABLE_NAME: 'TransactionTotal',
      LEDGER_ENTRIES_TABLE_NAME: 'LedgerEntries',
      EVENT_BUS_NAME: bus,
      DEAD_LETTER_QUEUE_URL: 'https://sqs.eu-west-1.amazonaws.com/123456789012/dlq',
      AWS_ENDPOINT_URL_EVENTBRIDGE: eventBridge.url,
    });

    it('runs on an empty batch when its bus exists', async () => {
      const output = await importBundle(await bundleOf('ledger'), ledgerEnv('txnflow-qa'));

      expect(output).toContain('{"batchItemFailures":[]}');
    });

    it('fails its cold start, naming the bus, when the bus does not exist', async () => {
      const loading = importBundle(await bundleOf('ledger'), ledgerEnv('txnflow-typo'));

      await expect(loading).rejects.toThrowError(/EventBusNotFoundError.*txnflow-typo/);
    });
  });

  it('passes the cdk-nag AwsSolutions checks, every exception acknowledged with a reason', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(app);

    expect(report.violations.map((v) => `${v.severity} ${v.ruleName}: ${v.description}`)).toEqual(
      [],
    );
  });

  it('rejects a stage that cannot be part of resource names', () => {
    const bad = new App({ context: { 'txnflow:stage': 'Prod_1' } });

    expect(() => buildTxnflowApp(bad)).toThrowError('txnflow:stage');
  });

  it('rejects a threshold that is not an amount', () => {
    const bad = new App({ context: { 'txnflow:highBalanceThreshold': '15e2' } });

    expect(() => buildTxnflowApp(bad)).toThrowError('txnflow:highBalanceThreshold');
  });
});
