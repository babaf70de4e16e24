import Database from 'better-sqlite3';
import { SqliteUploadTasks } from '../../../src/adapters/local/sqlite-upload-tasks.ts';
import { describeUploadTasks } from '../../ports/upload-tasks.suite.ts';

describeUploadTasks('SQLite', async () => new SqliteUploadTasks(new Database(':memory:')));
