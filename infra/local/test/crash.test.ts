import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE, LocalRuntime, ManualClock } from '../index.ts';
import { wireCrashDrill } from './fixtures/crash-wiring.ts';

const CHILD = fileURLToPath(new URL('./fixtures/crash-child.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const EVENTS = 5000;

interface ChildRun {
  readonly accepted: string[];
  readonly finished: boolean;
}

/** Deliveries recorded by the killed process, read without opening (and recovering) a runtime. */
function deliveriesRecorded(stateDir: string): number {
  const db = new Database(join(stateDir, DATABASE_FILE), { readonly: true });
  try {
    return (db.prepare('SELECT COUNT(*) AS n FROM received').get() as { n: number }).n;
  } finally {
    db.close();
  }
}

/** Runs the child and SIGKILLs it once it has delivered something and accepted enough events. */
function runAndKill(stateDir: string): Promise<ChildRun> {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', CHILD, stateDir, String(EVENTS)],
    { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const accepted: string[] = [];
  let delivered = false;
  let finished = false;
  let buffered = '';
  return new Promise((resolve, reject) => {
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      for (const line of lines) {
        if (line.startsWith('accepted ')) accepted.push(line.slice('accepted '.length));
        if (line === 'delivered') delivered = true;
        if (line === 'done') finished = true;
      }
      if (delivered && accepted.length >= EVENTS / 2 && child.exitCode === null) {
        child.kill('SIGKILL');
      }
    });
    child.once('error', reject);
    child.once('exit', () => resolve({ accepted, finished }));
  });
}

describe('Class: LocalRuntime', () => {
  let stateDir: string;
  let rt: LocalRuntime | undefined;

  afterEach(async () => {
    rt?.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  describe('Method: open (after a crash)', () => {
    it('delivers every event at least once, to every target, after the process is SIGKILLed mid-run', async () => {
      // Prepare
      stateDir = await mkdtemp(join(tmpdir(), 'txnflow-crash-'));
      const run = await runAndKill(stateDir);
      const recordedBeforeRestart = deliveriesRecorded(stateDir);

      // Act
      // The restart runs on a test clock (from now on, like the killed process's wall clock):
      // its idle timeout counts the runtime's time, not how busy the machine is.
      rt = LocalRuntime.open({ stateDir, env: {}, clock: new ManualClock(Date.now()) });
      wireCrashDrill(rt);
      await rt.runUntilIdle({ timeoutMs: 30_000 });

      // Assess
      expect(run.finished).toBe(false);
      expect(run.accepted.length).toBeGreaterThanOrEqual(EVENTS / 2);
      const stored = rt.listArchivedEvents({ archive: 'crash-archive' }).map((e) => e.eventId);
      const db = rt.db;
      const receivedVia = (via: string) => {
        const rows = db.prepare('SELECT event_id FROM received WHERE via = ?').all(via) as {
          event_id: string;
        }[];
        return new Set(rows.map((r) => r.event_id));
      };
      const byHandler = receivedVia('handler');
      const byQueue = receivedVia('queue');
      expect(recordedBeforeRestart).toBeGreaterThan(0);
      expect(recordedBeforeRestart).toBeLessThan(2 * stored.length);
      expect(stored.length).toBeGreaterThanOrEqual(run.accepted.length);
      expect(run.accepted.filter((id) => !stored.includes(id))).toEqual([]);
      expect(stored.filter((id) => !byHandler.has(id))).toEqual([]);
      expect(stored.filter((id) => !byQueue.has(id))).toEqual([]);
      expect(rt.peekMessages('CrashQueue')).toEqual([]);
      expect(rt.listFailedDeliveries()).toEqual([]);
    }, 60_000);
  });
});
