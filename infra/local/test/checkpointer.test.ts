import { existsSync, statSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Checkpointer } from '../state/checkpointer.ts';

/** Writes about `kb` KiB of rows in one transaction. */
function write(db: Database.Database, kb: number): void {
  const insert = db.prepare('INSERT INTO t (v) VALUES (?)');
  db.transaction(() => {
    for (let i = 0; i < kb; i += 1) insert.run('x'.repeat(1000));
  })();
}

describe('Class: Checkpointer', () => {
  let dir: string;
  let file: string;
  let db: Database.Database;
  const errors: unknown[] = [];

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-checkpointer-'));
    file = join(dir, 'db.sqlite');
    db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('wal_autocheckpoint = 0');
    db.exec('CREATE TABLE t (v TEXT)');
    errors.length = 0;
  });

  afterEach(async () => {
    if (db.open) db.close();
    await rm(dir, { recursive: true, force: true });
  });

  const sizeOf = (path: string) => (existsSync(path) ? statSync(path).size : 0);

  describe('Method: afterCommit', () => {
    it('checkpoints the WAL in a worker once it passes walBytes, and the WAL starts over', async () => {
      // Prepare
      const checkpointer = new Checkpointer({
        db,
        file,
        walBytes: 64 * 1024,
        onError: (e) => errors.push(e),
      });
      write(db, 512);
      const fileBefore = sizeOf(file);

      // Act
      checkpointer.afterCommit();
      await checkpointer.idle();
      const fileAfter = sizeOf(file);
      checkpointer.afterCommit();
      const walBefore = sizeOf(`${file}-wal`);
      write(db, 4);

      // Assess: the rows reached the database file; the next write reused the WAL.
      expect(fileBefore).toBeLessThan(64 * 1024);
      expect(fileAfter).toBeGreaterThan(512 * 1000);
      expect(sizeOf(`${file}-wal`)).toBe(walBefore);
      expect(errors).toEqual([]);
      checkpointer.close();
    });

    it('starts no worker while the WAL is below walBytes', async () => {
      // Prepare
      const checkpointer = new Checkpointer({ db, file, walBytes: 1 << 30, onError: () => {} });
      write(db, 256);
      const fileBefore = sizeOf(file);

      // Act
      checkpointer.afterCommit();
      await checkpointer.idle();

      // Assess
      expect(sizeOf(file)).toBe(fileBefore);
      checkpointer.close();
    });
  });

  describe('Method: close', () => {
    it("closes the worker's connection before it returns, so the driver's close removes the WAL", async () => {
      // Prepare
      const checkpointer = new Checkpointer({ db, file, walBytes: 1, onError: () => {} });
      write(db, 64);
      checkpointer.afterCommit();
      await checkpointer.idle();

      // Act
      checkpointer.close();
      db.close();

      // Assess
      expect(existsSync(`${file}-wal`)).toBe(false);
    });
  });
});
