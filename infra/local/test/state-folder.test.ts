import { existsSync, mkdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  DATABASE_FILE,
  DamagedStateFolderError,
  DriverLock,
  LocalRuntime,
  type LocalRuntimeOptions,
  ReadOnlyRuntimeError,
  StateFolderBusyError,
} from '../index.ts';
import { IDLE, order, putAll, routeOrders } from './support/harness.ts';

const TEST_OPTIONS: Partial<LocalRuntimeOptions> = {
  env: {},
  retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 20 },
};

/** A folder that was used: an object in the bucket and an email in the outbox. */
async function useFolder(stateDir: string): Promise<void> {
  const rt = LocalRuntime.open({ ...TEST_OPTIONS, stateDir });
  try {
    rt.createBucket({ name: 'uploads' });
    await rt.putObject({
      bucket: 'uploads',
      key: 'incoming/a.txt',
      body: 'C1|A|T1|2023-03-01|1.00',
    });
    rt.createTopic({ name: 'Alerts' });
    rt.subscribe({ topic: 'Alerts', protocol: 'email', endpoint: 'credit@example.com' });
    rt.publish({ topic: 'Alerts', message: 'C2 crossed 1500.00' });
    await rt.runUntilIdle(IDLE);
  } finally {
    rt.close();
  }
}

describe('Class: LocalRuntime, one state folder and several runtimes', () => {
  let stateDir: string;
  const open: LocalRuntime[] = [];

  beforeEach(async () => {
    stateDir = await mkdtemp(join(tmpdir(), 'txnflow-state-'));
  });

  afterEach(async () => {
    for (const rt of open.splice(0)) rt.close();
    await rm(stateDir, { recursive: true, force: true });
  });

  function driver(options: Partial<LocalRuntimeOptions> = {}): LocalRuntime {
    const rt = LocalRuntime.open({ ...TEST_OPTIONS, ...options, stateDir });
    open.push(rt);
    return rt;
  }

  function reader(): LocalRuntime {
    const rt = LocalRuntime.openReadOnly({ stateDir });
    if (!rt) throw new Error('expected the folder to be set up');
    open.push(rt);
    return rt;
  }

  describe('Method: open', () => {
    it('refuses a second driver while one drives the folder, naming the first', () => {
      // Prepare
      driver({ owner: 'txnflow ingest a.txt' });

      // Act
      const second = () =>
        LocalRuntime.open({ ...TEST_OPTIONS, stateDir, owner: 'txnflow resume' });

      // Assess
      expect(second).toThrow(StateFolderBusyError);
      expect(second).toThrow(`pid ${process.pid} (txnflow ingest a.txt)`);
    });

    it('lets the next driver in once the first is closed, with everything the first committed', async () => {
      // Prepare
      const first = driver();
      first.createQueue({ name: 'Orders' });
      routeOrders(first, { id: 'Q', target: { kind: 'queue', name: 'Orders' } });
      putAll(first, [order(1), order(2)]);
      await first.runUntilIdle(IDLE);
      first.close();

      // Act
      const second = driver();

      // Assess
      expect(second.peekMessages('Orders')).toHaveLength(2);
    });

    it('drives with a lock taken beforehand, and lets it go on close', () => {
      // Prepare
      const lock = DriverLock.tryAcquire(stateDir, 'txnflow demo');
      if (!lock) throw new Error('the folder should be free');

      // Act
      const rt = driver({ lock });
      const whileOpen = DriverLock.tryAcquire(stateDir, 'another');
      rt.close();
      const afterClose = DriverLock.tryAcquire(stateDir, 'another');
      afterClose?.release();

      // Assess
      expect(whileOpen).toBeUndefined();
      expect(afterClose).toBeInstanceOf(DriverLock);
    });
  });

  describe('Method: openReadOnly', () => {
    it('reads what the driver has committed while the driver still drives', async () => {
      // Prepare
      const rt = driver();
      rt.createQueue({ name: 'Orders' });
      rt.createArchive({ name: 'all', eventBusName: 'default' });
      routeOrders(rt, { id: 'Q', target: { kind: 'queue', name: 'Orders' } });
      putAll(rt, [order(1), order(2), order(3)]);
      await rt.runUntilIdle(IDLE);

      // Act
      const view = reader();

      // Assess
      expect(view.peekMessages('Orders')).toHaveLength(3);
      expect(view.listArchivedEvents({ archive: 'all' })).toHaveLength(3);
      expect(view.drives).toBe(false);
    });

    it('refuses every write and every delivery with ReadOnlyRuntimeError', async () => {
      // Prepare
      driver().createQueue({ name: 'Orders' });
      const view = reader();

      // Act and Assess
      expect(() => view.sendMessage({ queue: 'Orders', body: 'x' })).toThrow(ReadOnlyRuntimeError);
      expect(() => view.receiveMessages({ queue: 'Orders' })).toThrow(ReadOnlyRuntimeError);
      expect(() => view.putEvents([order(1)])).toThrow(ReadOnlyRuntimeError);
      expect(() => view.createQueue({ name: 'Other' })).toThrow(ReadOnlyRuntimeError);
      expect(() => view.registerHandler('h', async () => undefined)).toThrow(ReadOnlyRuntimeError);
      await expect(view.runUntilIdle(IDLE)).rejects.toThrow(ReadOnlyRuntimeError);
    });

    it('leaves alone what only the driver may recover: messages it holds, uploads it is writing', () => {
      // Prepare: the driver has received a message and is half-way through an upload.
      const rt = driver();
      rt.createQueue({ name: 'Orders' });
      rt.createBucket({ name: 'uploads' });
      rt.sendMessage({ queue: 'Orders', body: 'held' });
      rt.receiveMessages({ queue: 'Orders', visibilityTimeoutSeconds: 3600 });
      const upload = join(stateDir, 'objects', 'in-progress.tmp');
      writeFileSync(upload, 'half of a file');

      // Act
      const view = reader();

      // Assess
      expect(view.peekMessages('Orders').map((m) => m.visible)).toEqual([false]);
      expect(existsSync(upload)).toBe(true);
    });

    it('answers undefined for a folder nobody has set up yet', () => {
      // Prepare
      const missing = join(stateDir, 'not-yet');

      // Act
      const views = [
        LocalRuntime.openReadOnly({ stateDir }),
        LocalRuntime.openReadOnly({ stateDir: missing }),
      ];

      // Assess
      expect(views).toEqual([undefined, undefined]);
      expect(existsSync(missing)).toBe(false);
    });
  });

  describe('Method: open (a damaged state folder)', () => {
    it('refuses a folder whose runtime.sqlite is empty while it holds emails and objects', async () => {
      // Prepare
      await useFolder(stateDir);
      truncateSync(join(stateDir, DATABASE_FILE), 0);

      // Act
      const error = (() => {
        try {
          return driver();
        } catch (e) {
          return e;
        }
      })();

      // Assess
      expect(error).toBeInstanceOf(DamagedStateFolderError);
      expect(error).toMatchObject({
        stateDir,
        problem: 'runtime.sqlite is empty (0 bytes)',
        found: ['1 email(s) in outbox/', '1 object(s) in objects/'],
      });
      expect((error as Error).message).toContain(`The state folder ${stateDir} is damaged`);
      expect((error as Error).message).toContain('Restore runtime.sqlite from a backup');
    });

    it('refuses a folder whose runtime.sqlite was deleted while objects remain, and lets go of the folder', async () => {
      // Prepare
      await useFolder(stateDir);
      rmSync(join(stateDir, 'outbox'), { recursive: true });
      rmSync(join(stateDir, DATABASE_FILE));

      // Act
      const open = () => LocalRuntime.open({ ...TEST_OPTIONS, stateDir });

      // Assess
      expect(open).toThrow(DamagedStateFolderError);
      expect(open).toThrow(
        'runtime.sqlite is missing, but the folder holds 1 object(s) in objects/',
      );
      expect(existsSync(join(stateDir, DATABASE_FILE))).toBe(false);
      const lock = DriverLock.tryAcquire(stateDir, 'next');
      expect(lock).toBeInstanceOf(DriverLock);
      lock?.release();
    });

    it('refuses a write-ahead log without its database', () => {
      // Prepare
      writeFileSync(join(stateDir, `${DATABASE_FILE}-wal`), 'frames of a lost database');

      // Act and Assess
      expect(() => driver()).toThrow('its write-ahead log runtime.sqlite-wal');
    });

    it('opens as a fresh state a folder that is empty, missing, or left by a first run killed before it wrote', () => {
      // Prepare
      const empty = join(stateDir, 'empty');
      mkdirSync(empty);
      const missing = join(stateDir, 'missing');
      const killedEarly = join(stateDir, 'killed-early');
      mkdirSync(join(killedEarly, 'objects'), { recursive: true });
      mkdirSync(join(killedEarly, 'outbox'));
      writeFileSync(join(killedEarly, DATABASE_FILE), '');

      // Act
      const runtimes = [empty, missing, killedEarly].map((dir) => {
        const rt = LocalRuntime.open({ ...TEST_OPTIONS, stateDir: dir });
        open.push(rt);
        return rt;
      });

      // Assess
      for (const rt of runtimes) expect(rt.listOutbox()).toEqual([]);
    });
  });
});
