export { SqliteLedgerStore } from './adapters/local/sqlite-ledger-store.ts';
export type { LedgerConfig } from './config.ts';
export { DEFAULT_THRESHOLD, readLedgerConfig } from './config.ts';
export { ledgerConsumes } from './consumes.ts';
export { alertIdOf } from './domain/alerts.ts';
export type { ApplyOutcome, ApplyTransactionDeps } from './domain/apply-transaction.ts';
export { applyTransaction, applyTransactions } from './domain/apply-transaction.ts';
export { crossedThreshold } from './domain/crossing.ts';
export {
  BalanceContentionError,
  BalanceOutOfRangeError,
  LedgerConfigError,
  LedgerError,
  LedgerStoreError,
  TransactionRefusedError,
} from './domain/errors.ts';
export type { TransactionRecordedHandlerDeps } from './handlers/transaction-recorded.ts';
export { makeTransactionRecordedHandler } from './handlers/transaction-recorded.ts';
export type { LedgerApiDeps } from './http/ledger-api.ts';
export { createLedgerApi } from './http/ledger-api.ts';
export type { LedgerLocalContext, LedgerLocalOptions } from './local.ts';
export { createLocalLedgerApi, createLocalLedgerHandlers } from './local.ts';
export { ledgerManifest } from './manifest.ts';
export type {
  Balance,
  CommitResult,
  CustomerCommit,
  CustomerRead,
  CustomerSnapshot,
  LedgerEntry,
  LedgerQueries,
  LedgerStore,
} from './ports.ts';
