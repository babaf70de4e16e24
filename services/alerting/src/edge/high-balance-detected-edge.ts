import { createConsumerEdge } from '@txnflow/contracts';
import { alertingConsumes } from '../consumes.ts';

/**
 * Where alerting reads HighBalanceDetected: the versions its consumer contract accepts and
 * a view of each event exposing only the fields the contract declares.
 */
const highBalanceDetectedEdge = createConsumerEdge({
  contract: alertingConsumes,
  detailType: 'HighBalanceDetected',
});

export { highBalanceDetectedEdge };
