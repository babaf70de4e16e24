import { createConsumerEdge } from '@txnflow/contracts';
import { ledgerConsumes } from '../consumes.ts';

/**
 * Where the ledger reads TransactionRecorded: the versions its consumer contract accepts,
 * each upcast to the one its code reads (one version today, so no upcaster yet), and a view
 * of each event exposing only the fields the contract declares. A next version adds its
 * upcaster here: test/evolution/ shows one, with a replay of an archive of v1 events.
 */
const transactionRecordedEdge = createConsumerEdge({
  contract: ledgerConsumes,
  detailType: 'TransactionRecorded',
});

export { transactionRecordedEdge };
