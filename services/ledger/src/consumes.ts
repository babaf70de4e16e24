import { declareConsumer } from '@txnflow/contracts';
import { ledgerManifest } from './manifest.ts';

/**
 * What the ledger relies on in each event it consumes: the versions its edge takes and the
 * fields its code reads, with the type and format it assumes of each; the fields its rules
 * match on come from the manifest. Its edge hands the code a view of each event that exposes
 * these fields and no other, so a read of anything else fails its tests (and, in production,
 * fails loudly) until it is declared here. Published to contracts/consumers/ledger.json
 * (`npm run catalogue`), where the producer's contract tests read it.
 */
const ledgerConsumes = declareConsumer(ledgerManifest, {
  TransactionRecorded: {
    accepts: ['1'],
    reads: {
      version: '1',
      fields: {
        // The ids a trace follows, logged per transaction; the event id is its alert's cause.
        '/metadata/eventId': { type: 'string', format: 'uuid' },
        '/metadata/correlationId': { type: 'string' },
        '/metadata/causationId': { type: 'string' },
        // Copied into the alerts a replayed transaction re-detects, so no one is told twice.
        '/metadata/replayName': { type: 'string', optional: true },
        // Ids of at most 64 characters keep an alert id (customer:transaction) within 160.
        '/data/customerId': { type: 'string', format: 'identifier' },
        '/data/transactionId': { type: 'string', format: 'identifier' },
        '/data/transactionDate': { type: 'string', format: 'transaction-date' },
        '/data/amount': { type: 'string', format: 'money' },
      },
    },
  },
});

export { ledgerConsumes };
