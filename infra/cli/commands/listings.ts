import { type CliArgs, type CliIo, print, UsageError, withTxnflow } from '../cli-context.ts';
import { messageLines } from '../render/queue-messages.ts';
import { renderTable } from '../render/table.ts';

/**
 * `balances`, `entries`, `customers`, `transactions`, `alerts`, `queues`, `queue NAME`,
 * `outbox`, `events`, `events dropped` (what PutEvents dropped because its bus does not
 * exist): read only, so they work while another process drives the state folder, and create
 * nothing where there is no state yet.
 */
async function runListing(args: CliArgs, io: CliIo): Promise<void> {
  await withTxnflow(
    args,
    io,
    async (txnflow) => {
      switch (args.command) {
        case 'balances':
          return print(io, args, await txnflow.balances(), (rows) => renderTable(rows));
        case 'entries':
          return print(io, args, await txnflow.ledgerEntries(args.customer), (rows) =>
            renderTable(rows),
          );
        case 'customers':
          return print(io, args, await txnflow.customers(), (rows) => renderTable(rows));
        case 'transactions':
          return print(io, args, await txnflow.transactions(args.customer), (rows) =>
            renderTable(rows),
          );
        case 'alerts':
          return print(io, args, await txnflow.alerts(), (rows) =>
            renderTable(rows, [
              'customerId',
              'balance',
              'threshold',
              'transactionId',
              'detectedAt',
              'emailed',
            ]),
          );
        case 'queues':
          return print(io, args, txnflow.queues(), (rows) =>
            renderTable(rows, ['queue', 'visible', 'inFlight', 'deadLetterOf']),
          );
        case 'queue': {
          const name = args.positionals[0];
          if (!name)
            throw new UsageError('queue needs a queue name, e.g. txnflow queue CustomerNotify');
          return print(io, args, txnflow.queue(name), (rows) =>
            renderTable(messageLines(rows, Date.now())),
          );
        }
        case 'outbox':
          return print(io, args, txnflow.outbox(), (rows) =>
            renderTable(rows as Record<string, unknown>[]),
          );
        case 'events':
          if (args.positionals[0] === 'dropped') {
            return print(io, args, txnflow.droppedEvents(), (rows) =>
              renderTable(rows as Record<string, unknown>[]),
            );
          }
          if (args.positionals.length > 0) {
            throw new UsageError(`events takes nothing or "dropped", not "${args.positionals[0]}"`);
          }
          return print(io, args, txnflow.events(), (rows) =>
            renderTable(rows as Record<string, unknown>[]),
          );
        default:
          throw new UsageError(`unknown listing ${args.command}`);
      }
    },
    { readOnly: true },
  );
}

export { runListing };
