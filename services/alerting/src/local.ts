import type { DeadLetterSink, Log } from '@txnflow/contracts';
import type { Database } from 'better-sqlite3';
import { type LocalTopics, RuntimeTopicNotifier } from './adapters/local/runtime-topic-notifier.ts';
import { SqliteAlertStore } from './adapters/local/sqlite-alert-store.ts';
import { makeHighBalanceDetectedHandler } from './handlers/high-balance-detected.ts';
import { createAlertingApi } from './http/alerting-api.ts';

/** What the embedded local runtime lends alerting. */
interface AlertingLocalContext {
  readonly db: Database;
  readonly topics: LocalTopics;
  readonly deadLettersFor: (handler: string) => DeadLetterSink;
  readonly log: Log;
}

/**
 * Alerting's handlers wired to the local adapters, keyed by the manifest's handler names.
 *
 * @example runtime.registerHandler('highBalanceDetected', createLocalAlertingHandlers(ctx).highBalanceDetected)
 */
function createLocalAlertingHandlers(ctx: AlertingLocalContext) {
  return {
    highBalanceDetected: makeHighBalanceDetectedHandler({
      store: new SqliteAlertStore(ctx.db),
      notifier: new RuntimeTopicNotifier(ctx.topics, 'HighBalanceAlert'),
      deadLetters: ctx.deadLettersFor('highBalanceDetected'),
      log: ctx.log,
    }),
  };
}

/**
 * Alerting's API on its SQLite table.
 *
 * @example app.route('/api/alerting', createLocalAlertingApi({ db: runtime.db, log }));
 */
function createLocalAlertingApi(ctx: { readonly db: Database; readonly log: Pick<Log, 'error'> }) {
  return createAlertingApi({ queries: new SqliteAlertStore(ctx.db), log: ctx.log });
}

export type { AlertingLocalContext };
export { createLocalAlertingApi, createLocalAlertingHandlers };
