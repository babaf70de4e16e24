import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DATABASE_FILE } from '../index.ts';
import { GroupCommit, groupCommitMsOf } from '../state/group-commit.ts';
import { IDLE, orderPlaced, RuntimeHarness, routeOrders } from './support/harness.ts';

/** A handler that writes a row, then stays in flight until the test releases it. */
function writingHandler(h: RuntimeHarness, write: () => void) {
  let release = () => {};
  let started = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const handler = () =>
    new Promise<void>((resolve) => {
      write();
      release = resolve;
      started();
    });
  h.rt.registerHandler('writer', handler);
  routeOrders(h.rt, { id: 'Writer', target: { kind: 'handler', name: 'writer' } });
  return { running, release: () => release() };
}

/** What another connection sees: only what has been committed. */
function committedCount(stateDir: string, sql: string): number {
  const reader = new Database(join(stateDir, DATABASE_FILE), { readonly: true });
  try {
    return (reader.prepare(sql).get() as { n: number }).n;
  } finally {
    reader.close();
  }
}

const NOTES = 'SELECT COUNT(*) AS n FROM notes';
const EVENTS = 'SELECT COUNT(*) AS n FROM rt_events';

describe('Class: LocalRuntime (group commit)', () => {
  let h: RuntimeHarness;

  beforeEach(async () => {
    // A group that no timer commits during a test: only the rules under test do.
    h = await RuntimeHarness.create({ groupCommitMs: 3_600_000 });
    h.rt.db.exec('CREATE TABLE notes (text TEXT NOT NULL)');
  });

  afterEach(async () => {
    await h.dispose();
  });

  it("keeps a handler's writes in the group while it is in flight, and commits them with its completion", async () => {
    // Prepare
    const writer = writingHandler(h, () => h.rt.db.prepare("INSERT INTO notes VALUES ('a')").run());
    h.rt.putEvents([orderPlaced()]);
    await writer.running;

    // Act
    const whileInFlight = committedCount(h.stateDir, NOTES);
    writer.release();
    await h.rt.runUntilIdle(IDLE);

    // Assess
    expect(whileInFlight).toBe(0);
    expect(committedCount(h.stateDir, NOTES)).toBe(1);
    expect(committedCount(h.stateDir, 'SELECT COUNT(*) AS n FROM rt_deliveries')).toBe(0);
  });

  it('joins the group with the calls a handler makes (handlerCalls)', async () => {
    // Prepare
    const writer = writingHandler(h, () =>
      h.rt.handlerCalls.putEvents([orderPlaced({ Source: 'test.other' })]),
    );
    h.rt.putEvents([orderPlaced()]);
    await writer.running;

    // Act
    const whileInFlight = committedCount(h.stateDir, EVENTS);
    writer.release();
    await h.rt.runUntilIdle(IDLE);

    // Assess: the event that started the handler was committed on return; its own, later.
    expect(whileInFlight).toBe(1);
    expect(committedCount(h.stateDir, EVENTS)).toBe(2);
  });

  it('makes a call from outside a handler durable on return, with the group open at the time', async () => {
    // Prepare
    const writer = writingHandler(h, () => h.rt.db.prepare("INSERT INTO notes VALUES ('a')").run());
    h.rt.putEvents([orderPlaced()]);
    await writer.running;

    // Act
    h.rt.putEvents([orderPlaced({ Source: 'test.other' })]);

    // Assess: committed, and the handler's write before it with it.
    expect(committedCount(h.stateDir, EVENTS)).toBe(2);
    expect(committedCount(h.stateDir, NOTES)).toBe(1);
    writer.release();
    await h.rt.runUntilIdle(IDLE);
  });

  it("joins the caller's own transaction instead of committing under it", async () => {
    // Prepare
    const writer = writingHandler(h, () => h.rt.db.prepare("INSERT INTO notes VALUES ('a')").run());
    h.rt.putEvents([orderPlaced()]);
    await writer.running;

    // Act
    h.rt.db.transaction(() => {
      h.rt.putEvents([orderPlaced({ Source: 'test.other' })]);
      h.rt.db.prepare("INSERT INTO notes VALUES ('b')").run();
    })();
    const inGroup = committedCount(h.stateDir, NOTES);
    writer.release();
    await h.rt.runUntilIdle(IDLE);

    // Assess
    expect(inGroup).toBe(0);
    expect(committedCount(h.stateDir, NOTES)).toBe(2);
    expect(committedCount(h.stateDir, EVENTS)).toBe(2);
  });

  it('commits the open group on close', async () => {
    // Prepare
    const writer = writingHandler(h, () => h.rt.db.prepare("INSERT INTO notes VALUES ('a')").run());
    h.rt.putEvents([orderPlaced()]);
    await writer.running;

    // Act
    h.rt.close();

    // Assess: the write is kept; the delivery is still pending (it did not complete).
    expect(committedCount(h.stateDir, NOTES)).toBe(1);
    expect(committedCount(h.stateDir, 'SELECT COUNT(*) AS n FROM rt_deliveries')).toBe(1);
    writer.release();
  });
});

describe('Class: GroupCommit', () => {
  let db: Database.Database;
  let now = 0;
  let group: GroupCommit;

  beforeEach(() => {
    db = new Database(':memory:');
    db.exec('CREATE TABLE t (v INTEGER)');
    now = 0;
    group = new GroupCommit(db, { maxOpenMs: 100, now: () => now, onError: () => {} });
  });

  afterEach(() => {
    group.rollback();
    db.close();
  });

  describe('Method: commitIfDue', () => {
    it('commits a group open for maxOpenMs, not a younger one', () => {
      // Prepare
      group.begin();
      db.prepare('INSERT INTO t VALUES (1)').run();

      // Act
      now = 99;
      group.commitIfDue();
      const young = group.open;
      now = 100;
      group.commitIfDue();

      // Assess
      expect(young).toBe(true);
      expect(group.open).toBe(false);
      expect(db.inTransaction).toBe(false);
    });
  });

  describe('Method: commit', () => {
    it('does not commit while a transaction function runs, and commits after it', () => {
      // Prepare
      group.begin();
      let inside: boolean | undefined;

      // Act
      db.transaction(() => {
        db.prepare('INSERT INTO t VALUES (1)').run();
        inside = group.commit();
      })();

      // Assess
      expect(inside).toBe(false);
      expect(group.commit()).toBe(true);
      expect(db.prepare('SELECT COUNT(*) AS n FROM t').get()).toEqual({ n: 1 });
    });

    it('says so when SQLite rolled the group back on its own', () => {
      // Prepare
      group.begin();
      db.exec('ROLLBACK');

      // Act
      const act = () => group.commit();

      // Assess
      expect(act).toThrow(/rolled back by SQLite/);
    });
  });

  describe('Method: begin', () => {
    it("opens no group inside a caller's own transaction", () => {
      // Prepare
      db.exec('BEGIN');

      // Act
      group.begin();

      // Assess
      expect(group.open).toBe(false);
      db.exec('COMMIT');
    });
  });
});

describe('Function: groupCommitMsOf', () => {
  it('reads TXNFLOW_GROUP_COMMIT_MS as whole ms, and nothing when unset (the default)', () => {
    expect(groupCommitMsOf({ TXNFLOW_GROUP_COMMIT_MS: '50' })).toBe(50);
    expect(groupCommitMsOf({ TXNFLOW_GROUP_COMMIT_MS: ' ' })).toBeUndefined();
    expect(groupCommitMsOf({})).toBeUndefined();
  });

  it.each(['0', '-5', '1.5', 'soon'])('refuses TXNFLOW_GROUP_COMMIT_MS=%s, naming it', (value) => {
    expect(() => groupCommitMsOf({ TXNFLOW_GROUP_COMMIT_MS: value })).toThrowError(
      `TXNFLOW_GROUP_COMMIT_MS must be a whole number of ms (at least 1), got "${value}"`,
    );
  });
});
