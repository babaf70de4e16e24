import Database from 'better-sqlite3';
import { SqliteLedgerStore } from '../../../src/adapters/local/sqlite-ledger-store.ts';
import { describeLedgerQueries } from '../../ports/ledger-queries.suite.ts';
import { describeLedgerStore } from '../../ports/ledger-store.suite.ts';

describeLedgerStore('SQLite', async () => new SqliteLedgerStore(new Database(':memory:')));
describeLedgerQueries('SQLite', async () => new SqliteLedgerStore(new Database(':memory:')));
