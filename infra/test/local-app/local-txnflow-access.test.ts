import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DriverLock,
  ReadOnlyRuntimeError,
  StateFolderBusyError,
  type StateFolderHolder,
} from '../../local/index.ts';
import { LocalTxnflow } from '../../local-app/local-txnflow.ts';

const SAMPLE = new URL('../../../sample-data/transactions.txt', import.meta.url).pathname;
const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount';

/** A clock that only moves when the code under test sleeps; `during` runs at each pause. */
function fakeWait(during: (pause: number) => void = () => {}) {
  let now = 0;
  let pauses = 0;
  const waitedFor: (StateFolderHolder | undefined)[] = [];
  return {
    waitedFor,
    pauses: () => pauses,
    policy: {
      timeoutMs: 10_000,
      now: () => now,
      sleep: async (ms: number) => {
        pauses += 1;
        now += ms;
        during(pauses);
      },
      onWait: (holder: StateFolderHolder | undefined) => waitedFor.push(holder),
    },
  };
}

describe('Class: LocalTxnflow, drivers and readers of one state folder', () => {
  let dir: string;
  let stateDir: string;
  const open: LocalTxnflow[] = [];
  const locks: DriverLock[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-access-'));
    stateDir = join(dir, 'state');
  });

  afterEach(async () => {
    for (const txnflow of open.splice(0)) txnflow.close();
    for (const lock of locks.splice(0)) lock.release();
    await rm(dir, { recursive: true, force: true });
  });

  function keep(txnflow: LocalTxnflow): LocalTxnflow {
    open.push(txnflow);
    return txnflow;
  }

  function holdFolder(command: string): DriverLock {
    const lock = DriverLock.tryAcquire(stateDir, command);
    if (!lock) throw new Error('the folder should be free');
    locks.push(lock);
    return lock;
  }

  describe('Method: openForReading', () => {
    it('reads the balances beside a driver that is still open', async () => {
      // Prepare
      const driver = keep(LocalTxnflow.open({ stateDir, env: {} }));
      await driver.ingestFiles([SAMPLE]);

      // Act
      const reader = keep(await LocalTxnflow.openForReading({ stateDir }, fakeWait().policy));

      // Assess
      expect(await reader.balances()).toEqual([
        { customerId: 'C1', balance: '907.55' },
        { customerId: 'C2', balance: '1750.00' },
      ]);
      expect(reader.queue('CustomerNotify')).toHaveLength(1);
      expect(() => reader.reset('ledger')).toThrow(ReadOnlyRuntimeError);
    });

    it('shows a folder that holds no state as empty, and creates nothing', async () => {
      // Prepare
      const folder = join(stateDir, 'new');
      const wait = fakeWait();

      // Act
      const reader = await LocalTxnflow.openForReading({ stateDir: folder }, wait.policy);
      const seen = {
        balances: await reader.balances(),
        queue: reader.queue('CustomerNotify'),
        hasState: reader.hasState,
      };
      reader.close();

      // Assess
      expect(seen).toEqual({ balances: [], queue: [], hasState: false });
      expect(wait.pauses()).toBe(0);
      expect(existsSync(folder)).toBe(false);
    });

    it('shows a folder holding only a lock file nobody holds as empty, and adds nothing to it', async () => {
      // Prepare: a driver that stopped before it created anything left its lock file.
      holdFolder('txnflow ingest a.txt').release();
      const before = await readdir(stateDir);

      // Act
      const reader = await LocalTxnflow.openForReading({ stateDir }, fakeWait().policy);
      const hasState = reader.hasState;
      reader.close();

      // Assess
      expect(hasState).toBe(false);
      expect(await readdir(stateDir)).toEqual(before);
    });

    it('reads a folder that has state as it is', async () => {
      // Prepare
      LocalTxnflow.open({ stateDir, env: {} }).close();

      // Act
      const reader = keep(await LocalTxnflow.openForReading({ stateDir }, fakeWait().policy));

      // Assess
      expect(reader.hasState).toBe(true);
      expect(reader.runtime.drives).toBe(false);
    });

    it('waits for a driver that has not set the folder up yet, saying whom it waits for', async () => {
      // Prepare: a driver holds the folder and has not created anything in it yet.
      const lock = holdFolder('txnflow ingest a.txt');
      const wait = fakeWait((pause) => {
        if (pause === 2) keep(LocalTxnflow.open({ stateDir, env: {}, lock }));
      });

      // Act
      const reader = keep(await LocalTxnflow.openForReading({ stateDir }, wait.policy));

      // Assess
      expect(wait.waitedFor).toEqual([
        { pid: process.pid, command: 'txnflow ingest a.txt', since: expect.any(String) },
      ]);
      expect(wait.pauses()).toBe(2);
      expect(await reader.customers()).toEqual([]);
    });

    it('gives up, naming the driver, when the folder is not set up within the wait allowed', async () => {
      // Prepare
      const lock = holdFolder('txnflow ingest a.txt');
      const wait = fakeWait();

      // Act
      const error = await LocalTxnflow.openForReading({ stateDir }, wait.policy).catch(
        (e: unknown) => e,
      );

      // Assess
      expect(lock.released).toBe(false);
      expect(error).toBeInstanceOf(StateFolderBusyError);
      expect(error).toMatchObject({
        holder: { command: 'txnflow ingest a.txt' },
        waitedMs: 10_000,
      });
    });
  });

  describe('Method: openWhenFree', () => {
    it('waits for the driver to close, then drives and finds what the first one ingested', async () => {
      // Prepare
      const first = keep(LocalTxnflow.open({ stateDir, env: {}, owner: 'txnflow ingest a.txt' }));
      await first.ingestFiles([SAMPLE]);
      const wait = fakeWait((pause) => {
        if (pause === 1) first.close();
      });
      const other = join(dir, 'other.txt');
      await writeFile(other, `${HEADER}\nC3|3 Market Street|T1|2023-03-01|5.00\n`);

      // Act
      const second = keep(await LocalTxnflow.openWhenFree({ stateDir, env: {} }, wait.policy));
      await second.ingestFiles([other]);

      // Assess
      expect(wait.waitedFor.map((h) => h?.command)).toEqual(['txnflow ingest a.txt']);
      expect((await second.balances()).map((b) => b.customerId)).toEqual(['C1', 'C2', 'C3']);
    });
  });
});
