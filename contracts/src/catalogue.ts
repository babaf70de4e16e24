import highBalanceDetectedV1 from '../schemas/HighBalanceDetected.v1.schema.json' with {
  type: 'json',
};
import transactionRecordedV1 from '../schemas/TransactionRecorded.v1.schema.json' with {
  type: 'json',
};
import type { HighBalanceDetectedV1 } from './generated/HighBalanceDetected.v1.ts';
import type { TransactionRecordedV1 } from './generated/TransactionRecorded.v1.ts';

/** The `source` of each producing service on the bus. Only a service's own role may use it. */
const EventSource = {
  ingest: 'txnflow.ingest',
  ledger: 'txnflow.ledger',
  alerting: 'txnflow.alerting',
} as const;
type EventSource = (typeof EventSource)[keyof typeof EventSource];

/** The `detail-type` of each event in the catalogue. */
const DetailType = {
  TransactionRecorded: 'TransactionRecorded',
  HighBalanceDetected: 'HighBalanceDetected',
} as const;
type DetailType = (typeof DetailType)[keyof typeof DetailType];

/** The detail of the current version of each event, by detail-type. */
interface DetailByType {
  TransactionRecorded: TransactionRecordedV1;
  HighBalanceDetected: HighBalanceDetectedV1;
}

/** One event, one version: who publishes it and the JSON Schema (Draft 4) of its detail. */
interface EventContract {
  readonly detailType: DetailType;
  readonly source: EventSource;
  readonly version: string;
  readonly schema: Readonly<Record<string, unknown>>;
}

/** Every event and version txnflow knows, oldest version first. */
const eventContracts: readonly EventContract[] = [
  {
    detailType: DetailType.TransactionRecorded,
    source: EventSource.ingest,
    version: '1',
    schema: transactionRecordedV1,
  },
  {
    detailType: DetailType.HighBalanceDetected,
    source: EventSource.ledger,
    version: '1',
    schema: highBalanceDetectedV1,
  },
];

/** The version producers publish today for each detail-type. */
const CURRENT_VERSION: Readonly<Record<DetailType, string>> = {
  TransactionRecorded: '1',
  HighBalanceDetected: '1',
};

/**
 * Finds the contract of one event version.
 *
 * @example findContract('TransactionRecorded', '1')?.source // 'txnflow.ingest'
 */
function findContract(detailType: string, version: string): EventContract | undefined {
  return eventContracts.find((c) => c.detailType === detailType && c.version === version);
}

function isDetailType(value: string): value is DetailType {
  return Object.hasOwn(CURRENT_VERSION, value);
}

export type { DetailByType, EventContract };
export { CURRENT_VERSION, DetailType, EventSource, eventContracts, findContract, isDetailType };
