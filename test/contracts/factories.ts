import {
  eventContracts,
  type HighBalanceDetectedV1,
  type HighBalanceDetectedV1Data,
  type TransactionRecordedV1,
  type TransactionRecordedV1Data,
} from '@txnflow/contracts';

function firstExample<T>(detailType: string): T {
  const contract = eventContracts.find((c) => c.detailType === detailType);
  const examples = contract?.schema.examples as T[] | undefined;
  if (!examples?.[0]) throw new Error(`no example for ${detailType}`);
  return structuredClone(examples[0]);
}

/** A valid TransactionRecorded detail, with data fields overridden. */
function transactionRecorded(data: Partial<TransactionRecordedV1Data> = {}): TransactionRecordedV1 {
  const detail = firstExample<TransactionRecordedV1>('TransactionRecorded');
  return { ...detail, data: { ...detail.data, ...data } };
}

/** A valid HighBalanceDetected detail, with data fields overridden. */
function highBalanceDetected(data: Partial<HighBalanceDetectedV1Data> = {}): HighBalanceDetectedV1 {
  const detail = firstExample<HighBalanceDetectedV1>('HighBalanceDetected');
  return { ...detail, data: { ...detail.data, ...data } };
}

export { highBalanceDetected, transactionRecorded };
