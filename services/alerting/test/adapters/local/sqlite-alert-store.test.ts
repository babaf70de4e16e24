import Database from 'better-sqlite3';
import { SqliteAlertStore } from '../../../src/adapters/local/sqlite-alert-store.ts';
import { describeAlertQueries } from '../../ports/alert-queries.suite.ts';
import { describeAlertStore } from '../../ports/alert-store.suite.ts';

describeAlertStore('SQLite', async () => new SqliteAlertStore(new Database(':memory:')));
describeAlertQueries('SQLite', async () => new SqliteAlertStore(new Database(':memory:')));
