import Database from 'better-sqlite3';
import { SqliteLedgerStore } from '../../../src/adapters/local/sqlite-ledger-store.ts';
import { describeLedgerStore } from '../../ports/ledger-store.suite.ts';

describeLedgerStore('SQLite', async () => new SqliteLedgerStore(new Database(':memory:')));
