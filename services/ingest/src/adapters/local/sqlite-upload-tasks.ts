import type { Database, Statement } from 'better-sqlite3';
import type { UploadTasks } from '../../ports.ts';
import { migrateIngestTables, UPLOAD_TASKS } from './ingest-tables.ts';

/**
 * The UploadTasks port in the local runtime's SQLite file: a row per task done. The insert
 * and the count are one statement each in the runtime's single writer, so the count a task
 * sees includes every task marked before it.
 *
 * @example const tasks = new SqliteUploadTasks(runtime.db);
 */
class SqliteUploadTasks implements UploadTasks {
  readonly #mark: Statement<[string, number]>;
  readonly #count: Statement<[string], { n: number }>;

  constructor(db: Database) {
    migrateIngestTables(db);
    this.#mark = db.prepare(`INSERT INTO ${UPLOAD_TASKS} VALUES (?, ?) ON CONFLICT DO NOTHING`);
    this.#count = db.prepare(`SELECT count(*) AS n FROM ${UPLOAD_TASKS} WHERE phase_id = ?`);
  }

  async markDone(phaseId: string, task: number): Promise<number> {
    this.#mark.run(phaseId, task);
    return this.#count.get(phaseId)?.n ?? 0;
  }

  async countDone(phaseId: string): Promise<number> {
    return this.#count.get(phaseId)?.n ?? 0;
  }
}

export { SqliteUploadTasks };
