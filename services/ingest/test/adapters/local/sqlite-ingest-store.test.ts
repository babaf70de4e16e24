import Database from 'better-sqlite3';
import { SqliteIngestStore } from '../../../src/adapters/local/sqlite-ingest-store.ts';
import { describeIngestStore } from '../../ports/ingest-store.suite.ts';

describeIngestStore('SQLite', async () => new SqliteIngestStore(new Database(':memory:')));
