import type { DetailType } from '../catalogue.ts';
import type { ConsumerContract } from '../consumer-contract.ts';

/**
 * A consumer's contract with one read field left out: run the consumer's code through an
 * edge built on it to show that the code reads that field (its tests fail naming it).
 * Shared by the services' tests (`@txnflow/contracts/testing`), never used by production code.
 *
 * @example createConsumerEdge({ contract: withoutRead(ledgerConsumes, 'TransactionRecorded', '/data/amount'), detailType })
 */
function withoutRead(
  contract: ConsumerContract,
  detailType: DetailType,
  pointer: string,
): ConsumerContract {
  const consumed = contract.events[detailType];
  if (!consumed) throw new Error(`${contract.consumer} declares no ${detailType}`);
  const { [pointer]: _left, ...fields } = consumed.reads.fields;
  const reads = { ...consumed.reads, fields };
  return { ...contract, events: { ...contract.events, [detailType]: { ...consumed, reads } } };
}

export { withoutRead };
