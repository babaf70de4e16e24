import type { ConsumerEdge, DeadLetterSink, EventPublisher, Log } from '@txnflow/contracts';
import type { Database } from 'better-sqlite3';
import { SqliteLedgerStore } from './adapters/local/sqlite-ledger-store.ts';
import { readLedgerConfig } from './config.ts';
import { makeTransactionRecordedHandler } from './handlers/transaction-recorded.ts';
import { createLedgerApi } from './http/ledger-api.ts';

/** What the embedded local runtime lends the ledger. */
interface LedgerLocalContext {
  readonly db: Database;
  readonly publisher: EventPublisher;
  readonly deadLettersFor: (handler: string) => DeadLetterSink;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly log: Log;
}

interface LedgerLocalOptions {
  /** Where TransactionRecorded is read. @default - the ledger's edge (see the handler) */
  readonly edge?: ConsumerEdge<'TransactionRecorded'>;
}

/**
 * The ledger's handlers wired to the local adapters, keyed by the manifest's handler names.
 *
 * @example runtime.registerHandler('transactionRecorded', createLocalLedgerHandlers(ctx).transactionRecorded)
 */
function createLocalLedgerHandlers(ctx: LedgerLocalContext, options: LedgerLocalOptions = {}) {
  return {
    transactionRecorded: makeTransactionRecordedHandler({
      store: new SqliteLedgerStore(ctx.db),
      publisher: ctx.publisher,
      deadLetters: ctx.deadLettersFor('transactionRecorded'),
      config: readLedgerConfig(ctx.env),
      log: ctx.log,
      ...(options.edge ? { edge: options.edge } : {}),
    }),
  };
}

/**
 * The ledger's API on its SQLite tables.
 *
 * @example app.route('/api/ledger', createLocalLedgerApi({ db: runtime.db, log }));
 */
function createLocalLedgerApi(ctx: { readonly db: Database; readonly log: Pick<Log, 'error'> }) {
  return createLedgerApi({ queries: new SqliteLedgerStore(ctx.db), log: ctx.log });
}

export type { LedgerLocalContext, LedgerLocalOptions };
export { createLocalLedgerApi, createLocalLedgerHandlers };
