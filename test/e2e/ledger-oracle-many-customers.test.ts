import { describeLedgerOracle } from './ledger-oracle.suite.ts';

// Many customers: most batches hold one row per customer, grouped files excepted.
describeLedgerOracle('many customers', 400, [11, 13, 17]);
