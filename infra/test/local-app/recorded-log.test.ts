import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Log } from '@txnflow/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalRuntime, ManualClock } from '../../local/index.ts';
import { recordedLog } from '../../local-app/recorded-log.ts';

/** A Log that remembers every line it was given. */
function rememberingLog() {
  const lines: [string, string][] = [];
  const log: Log = {
    info: (message) => lines.push(['info', message]),
    warn: (message) => lines.push(['warn', message]),
    error: (message) => lines.push(['error', message]),
  };
  return { log, lines };
}

describe('Function: recordedLog', () => {
  let dir: string;
  let runtime: LocalRuntime;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-recorded-log-'));
    runtime = LocalRuntime.open({ stateDir: dir, clock: new ManualClock('2026-11-26T00:00:00Z') });
  });

  afterEach(async () => {
    runtime.close();
    await rm(dir, { recursive: true, force: true });
  });

  /** The log facts filed under these refs, once the runtime's next turn has written them. */
  async function logFactsAbout(...refs: string[]) {
    await runtime.runUntilIdle({ timeoutMs: 1000 });
    return runtime
      .traceReader()
      .facts({ refs })
      .map((f) => (f.kind === 'log' ? [f.service, f.level, f.message] : [f.kind]));
  }

  it('keeps warnings, errors and the info lines naming an email as facts, and passes every line on', async () => {
    // Prepare
    const next = rememberingLog();
    const ledger = recordedLog(runtime, 'ledger', next.log);
    const alerting = recordedLog(runtime, 'alerting', next.log);

    // Act
    ledger.info('applied transaction', { eventId: 'e1', outcome: 'applied' });
    ledger.warn('transaction not applied; its message is retried', { eventId: 'e1', error: 'x' });
    alerting.info('high balance alert', { eventId: 'e2', emailMessageId: 'm1' });
    alerting.error('failed', { correlationId: 'c1' });

    // Assess
    expect(await logFactsAbout('e1', 'e2', 'c1')).toEqual([
      ['ledger', 'warn', 'transaction not applied; its message is retried'],
      ['alerting', 'info', 'high balance alert'],
      ['alerting', 'error', 'failed'],
    ]);
    expect(next.lines).toEqual([
      ['info', 'applied transaction'],
      ['warn', 'transaction not applied; its message is retried'],
      ['info', 'high balance alert'],
      ['error', 'failed'],
    ]);
  });
});
