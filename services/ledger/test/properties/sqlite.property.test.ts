import Database from 'better-sqlite3';
import { SqliteLedgerStore } from '../../src/adapters/local/sqlite-ledger-store.ts';
import { describeLedgerProperties } from './apply-transactions.properties.ts';

describeLedgerProperties('SQLite', async () => new SqliteLedgerStore(new Database(':memory:')), {
  numRuns: 500,
});
