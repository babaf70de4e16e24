import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { MIGRATIONS } from '../state/database.ts';

/** The schema as it stood just before the migration that adds `marker`, on a fresh file. */
function databaseBefore(marker: string) {
  const index = MIGRATIONS.findIndex((sql) => sql.includes(marker));
  const db = new BetterSqlite3(':memory:');
  for (const sql of MIGRATIONS.slice(0, index)) db.exec(sql);
  return { db, migration: MIGRATIONS[index] ?? '' };
}

describe('Runtime migrations', () => {
  describe('Migration: archived events get their event time', () => {
    it("fills each archived event's time from its JSON, or from its arrival when it has none", () => {
      // Prepare: two events archived on 3 March; one says it happened on 1 March.
      const { db, migration } = databaseBefore('ADD COLUMN event_time');
      const arrived = Date.parse('2024-03-03T09:00:00Z');
      db.prepare('INSERT INTO rt_events (seq, bus_id, arrived_at, json) VALUES (?, 1, ?, ?)').run(
        1,
        arrived,
        JSON.stringify({ id: 'a', time: '2024-03-01T08:30:00Z' }),
      );
      db.prepare('INSERT INTO rt_events (seq, bus_id, arrived_at, json) VALUES (?, 1, ?, ?)').run(
        2,
        arrived,
        JSON.stringify({ id: 'b' }),
      );
      db.exec(
        `INSERT INTO rt_archive_events (archive_id, arrived_at, event_seq) VALUES (1, ${arrived}, 1), (1, ${arrived}, 2)`,
      );

      // Act
      db.exec(migration);

      // Assess
      expect(
        db.prepare('SELECT event_seq, event_time FROM rt_archive_events ORDER BY 1').all(),
      ).toEqual([
        { event_seq: 1, event_time: Date.parse('2024-03-01T08:30:00Z') },
        { event_seq: 2, event_time: arrived },
      ]);
    });

    it('starts a replay under way again on event times, with its total recounted', () => {
      // Prepare: a replay half way through, its cursor an arrival time.
      const { db, migration } = databaseBefore('ADD COLUMN event_time');
      db.prepare(
        'INSERT INTO rt_events (seq, bus_id, arrived_at, json) VALUES (1, 1, 5000, ?)',
      ).run(JSON.stringify({ time: '1970-01-01T00:00:01Z' }));
      db.exec(
        'INSERT INTO rt_archive_events (archive_id, arrived_at, event_seq) VALUES (1, 5000, 1)',
      );
      db.exec(
        `INSERT INTO rt_replays (name, archive_id, from_ms, to_ms, state, events_total, events_replayed, cursor_arrived_at, cursor_seq, started_at)
         VALUES ('running', 1, 0, 2000, 'RUNNING', 0, 0, 5000, 1, 0),
                ('done', 1, 0, 2000, 'COMPLETED', 0, 0, 5000, 1, 0)`,
      );

      // Act
      db.exec(migration);

      // Assess
      expect(
        db
          .prepare(
            'SELECT name, events_total, cursor_arrived_at, cursor_seq FROM rt_replays ORDER BY name',
          )
          .all(),
      ).toEqual([
        { name: 'done', events_total: 0, cursor_arrived_at: 5000, cursor_seq: 1 },
        { name: 'running', events_total: 1, cursor_arrived_at: -1, cursor_seq: -1 },
      ]);
    });
  });
});
