import { declareConsumer } from '@txnflow/contracts';
import { alertingManifest } from './manifest.ts';

/**
 * What alerting relies on in each event it consumes: the versions its edge takes and the
 * fields its code reads, with the type and format it assumes of each; the fields its rules
 * (the handler's and both queues') match on come from the manifest. Its edge hands the code
 * a view of each event that exposes these fields and no other. Published to
 * contracts/consumers/alerting.json (`npm run catalogue`) for the producer's contract tests.
 */
const alertingConsumes = declareConsumer(alertingManifest, {
  HighBalanceDetected: {
    accepts: ['1'],
    reads: {
      version: '1',
      fields: {
        // Logged with each alert: the ids a trace follows.
        '/metadata/eventId': { type: 'string', format: 'uuid' },
        '/metadata/correlationId': { type: 'string' },
        '/metadata/causationId': { type: 'string' },
        // The Alerts table's key: one alert (and one email) per id.
        '/data/alertId': { type: 'string' },
        '/data/customerId': { type: 'string' },
        '/data/balance': { type: 'string', format: 'money' },
        '/data/previousBalance': { type: 'string', format: 'money' },
        '/data/threshold': { type: 'string', format: 'money' },
        '/data/transaction/transactionId': { type: 'string' },
        '/data/transaction/transactionDate': { type: 'string', format: 'transaction-date' },
        // Alerts are listed in order of detection, compared as text: ISO date-times sort so.
        '/data/detectedAt': { type: 'string', format: 'date-time' },
      },
    },
  },
});

export { alertingConsumes };
