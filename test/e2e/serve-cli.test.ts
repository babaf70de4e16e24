import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startCli } from '../support/cli-process.ts';

/** Resolves with the JSON value the process prints on stdout (`--json`), once it is whole. */
function printedJson(child: ReturnType<typeof startCli>['child']): Promise<unknown> {
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      if (!out.trimEnd().endsWith('}')) return;
      try {
        resolve(JSON.parse(out));
      } catch {
        // Not whole yet.
      }
    });
    child.once('close', () => reject(new Error(`exited before printing its address: ${out}`)));
  });
}

describe('txnflow serve (the CLI)', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-serve-cli-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('prints the address it serves on, answers there, and stops cleanly on SIGINT', async () => {
    const serve = startCli('serve', '--port', '0', '--json', '--state', join(dir, 'state'));
    const { url } = (await printedJson(serve.child)) as { url: string };

    const page = await fetch(url);
    const balances = await fetch(new URL('/api/ledger/balances', url));
    serve.child.kill('SIGINT');
    const exit = await serve.exited;

    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(page.status).toBe(200);
    expect(await balances.json()).toEqual({ items: [] });
    expect(exit.code).toBe(0);
  });

  it('refuses a port that is not one, as wrong usage', async () => {
    const { code, stderr } = await startCli('serve', '--port', 'http', '--state', join(dir, 's'))
      .exited;

    expect(code).toBe(2);
    expect(stderr).toContain('--port: "http" is not a port');
  });
});
