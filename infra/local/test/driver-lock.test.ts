import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DriverLock,
  HOLDER_FILE,
  readHolder,
  StateFolderBusyError,
  type StateFolderHolder,
} from '../index.ts';

/** A clock that only moves when the code under test sleeps: waits cost no real time. */
function fakeTime() {
  let now = 1_000_000;
  const pauses: number[] = [];
  return {
    now: () => now,
    pauses,
    sleep: async (ms: number) => {
      pauses.push(ms);
      now += ms;
    },
  };
}

/** The pid of a process that has exited: what a killed driver's note names. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '']);
  return child.pid;
}

describe('Class: DriverLock', () => {
  let stateDir: string;
  const held: DriverLock[] = [];

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'txnflow-lock-'));
  });

  afterEach(async () => {
    for (const lock of held.splice(0)) lock.release();
    await rm(stateDir, { recursive: true, force: true });
  });

  function take(command: string): DriverLock {
    const lock = DriverLock.tryAcquire(stateDir, command);
    if (!lock) throw new Error(`expected to take the lock as ${command}`);
    held.push(lock);
    return lock;
  }

  describe('Method: tryAcquire', () => {
    it('gives the lock to one holder at a time, and its note names that holder', () => {
      // Prepare
      take('txnflow ingest a.txt');

      // Act
      const second = DriverLock.tryAcquire(stateDir, 'txnflow ingest b.txt');

      // Assess
      expect(second).toBeUndefined();
      expect(readHolder(stateDir)).toEqual({
        pid: process.pid,
        command: 'txnflow ingest a.txt',
        since: expect.any(String),
      });
    });

    it('lets the next holder in once the first releases, and the released note is gone', () => {
      // Prepare
      const first = take('first');

      // Act
      first.release();
      const afterRelease = readHolder(stateDir);
      take('second');

      // Assess
      expect(afterRelease).toBeUndefined();
      expect(readHolder(stateDir)?.command).toBe('second');
    });

    it('takes over from a killed holder at once: its note names a dead pid and is replaced', () => {
      // Prepare: what a SIGKILLed driver leaves (the OS dropped its file lock with it).
      const stale: StateFolderHolder = {
        pid: deadPid(),
        command: 'txnflow ingest killed.txt',
        since: '2026-01-01T00:00:00.000Z',
      };
      writeFileSync(join(stateDir, HOLDER_FILE), JSON.stringify(stale));
      const staleHolder = readHolder(stateDir);

      // Act
      take('txnflow resume');

      // Assess
      expect(staleHolder).toBeUndefined();
      expect(JSON.parse(readFileSync(join(stateDir, HOLDER_FILE), 'utf8'))).toMatchObject({
        pid: process.pid,
        command: 'txnflow resume',
      });
    });

    it('does not remove a note it does not own when released twice', () => {
      // Prepare
      const first = take('first');
      first.release();
      take('second');

      // Act
      first.release();

      // Assess
      expect(existsSync(join(stateDir, HOLDER_FILE))).toBe(true);
      expect(readHolder(stateDir)?.command).toBe('second');
    });
  });

  describe('Method: acquire', () => {
    it('waits for the holder to let go, telling once whom it waits for', async () => {
      // Prepare
      const first = take('txnflow ingest a.txt');
      const time = fakeTime();
      const waitedFor: (StateFolderHolder | undefined)[] = [];

      // Act: the holder lets go during the third pause.
      const lock = await DriverLock.acquire(stateDir, 'txnflow ingest b.txt', {
        timeoutMs: 60_000,
        now: time.now,
        sleep: async (ms) => {
          await time.sleep(ms);
          if (time.pauses.length === 3) first.release();
        },
        onWait: (holder) => waitedFor.push(holder),
      });
      held.push(lock);

      // Assess
      expect(waitedFor).toEqual([
        { pid: process.pid, command: 'txnflow ingest a.txt', since: expect.any(String) },
      ]);
      expect(time.pauses).toEqual([25, 50, 100]);
      expect(readHolder(stateDir)?.command).toBe('txnflow ingest b.txt');
    });

    it('pauses 25 ms, then twice as long each time up to a second, and gives up when the wait allowed is over', async () => {
      // Prepare
      take('txnflow ingest a.txt');
      const time = fakeTime();

      // Act
      const refusal = DriverLock.acquire(stateDir, 'txnflow ingest b.txt', {
        timeoutMs: 5_000,
        now: time.now,
        sleep: time.sleep,
      });

      // Assess
      const error = await refusal.catch((e: unknown) => e);
      expect(error).toBeInstanceOf(StateFolderBusyError);
      expect(error).toMatchObject({
        stateDir,
        waitedMs: 5_000,
        holder: { pid: process.pid, command: 'txnflow ingest a.txt' },
      });
      expect((error as Error).message).toContain(
        `pid ${process.pid} (txnflow ingest a.txt) is using the state folder ${stateDir}`,
      );
      expect(time.pauses).toEqual([25, 50, 100, 200, 400, 800, 1000, 1000, 1000, 425]);
    });

    it('refuses at once, without a pause, when no wait is allowed', async () => {
      // Prepare
      take('txnflow ingest a.txt');
      const time = fakeTime();

      // Act
      const error = await DriverLock.acquire(stateDir, 'txnflow resume', {
        timeoutMs: 0,
        now: time.now,
        sleep: time.sleep,
      }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(StateFolderBusyError);
      expect(time.pauses).toEqual([]);
    });
  });
});
