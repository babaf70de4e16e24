import {
  type ConsumerEdge,
  type ContractEvent,
  ContractValidationError,
  CURRENT_VERSION,
  createConsumerEdge,
  createContractSet,
  declareConsumer,
  type EventContract,
  type EventPublisher,
  EventSource,
  eventContracts,
  type ReadResult,
  type Upcaster,
} from '@txnflow/contracts';
import { ledgerConsumes, ledgerManifest } from '@txnflow/ledger';
import schemaV2 from './fixtures/TransactionRecorded.v2.schema.json' with { type: 'json' };

/**
 * A worked example of a next version of an event, kept as a test fixture (nothing here ships):
 * TransactionRecorded v2 adds the currency of the amount, a new required field, so it cannot
 * change v1 in place (the archive holds v1 events without it). The rollout:
 *
 * 1. the contracts gain v2 beside v1 (the schema registry holds both);
 * 2. the ledger accepts v1 and v2, upcasting v1 at its edge (v1 amounts were all in the book
 *    currency), reads v2, and publishes its consumer contract saying so;
 * 3. the producer's check passes, and ingest switches to publishing v2;
 * 4. a replay of the archive, v1 events and v2 events alike, rebuilds the same balances.
 */

/** The currency of every v1 amount: the one the ledger keeps its books in. */
const BOOK_CURRENCY = 'GBP';

const transactionRecordedV2: EventContract = {
  detailType: 'TransactionRecorded',
  source: EventSource.ingest,
  version: '2',
  schema: schemaV2,
};

/** Step 1: v2 registered beside v1; producers still publish v1. */
const contractsWithV2 = createContractSet(
  [...eventContracts, transactionRecordedV2],
  CURRENT_VERSION,
);

/** Step 3: producers publish v2. */
const contractsAfterSwitch = createContractSet([...eventContracts, transactionRecordedV2], {
  ...CURRENT_VERSION,
  TransactionRecorded: '2',
});

type Detail = Readonly<Record<string, unknown>>;

/** A v1 detail as v2 carries it: the same transaction, in the book currency. */
const upcastV1ToV2: Upcaster = (detail) => {
  const { metadata, data } = detail as { metadata: Detail; data: Detail };
  return {
    metadata: { ...metadata, schemaVersion: '2' },
    data: { ...data, currency: BOOK_CURRENCY },
  };
};

const v1Reads = ledgerConsumes.events.TransactionRecorded?.reads.fields ?? {};

/** Step 2: the ledger's consumer contract of the v2 era. */
const ledgerConsumesV2 = declareConsumer(ledgerManifest, {
  TransactionRecorded: {
    accepts: ['1', '2'],
    reads: {
      version: '2',
      fields: { ...v1Reads, '/data/currency': { type: 'string' } },
    },
  },
});

/**
 * The ledger's edge of the v2 era: v1 upcast to v2, v2 as it comes, and a transaction in
 * another currency than the books' dead-lettered with the reason (the one thing the ledger
 * reads of v2 that v1 did not carry). The ledger's domain is unchanged: v2 keeps every field
 * it reads where v1 had it.
 */
function ledgerEdgeV2(): ConsumerEdge<'TransactionRecorded'> {
  const edge = createConsumerEdge({
    contract: ledgerConsumesV2,
    detailType: 'TransactionRecorded',
    upcasters: { '1': upcastV1ToV2 },
    contracts: contractsAfterSwitch,
  });
  const inBookCurrency = (
    read: ReadResult<'TransactionRecorded'>,
  ): ReadResult<'TransactionRecorded'> => {
    if (!read.ok) return read;
    const { currency } = read.event.detail.data as { currency?: unknown };
    if (currency === BOOK_CURRENCY) return read;
    const message = `the ledger keeps its books in ${BOOK_CURRENCY}; this transaction is in ${String(currency)}`;
    return { ok: false, issues: [{ path: '/detail/data/currency', message }] };
  };
  return {
    ...edge,
    read: (raw) => inBookCurrency(edge.read(raw)),
    readJson: (json) => inBookCurrency(edge.readJson(json)),
  };
}

/**
 * What not to do: a ledger that stopped accepting v1 once producers switched. The producer's
 * check refuses its contract (the archive may hold v1), and a replay dead-letters every v1.
 */
function ledgerEdgeV2Only(): ConsumerEdge<'TransactionRecorded'> {
  const consumed = ledgerConsumesV2.events.TransactionRecorded;
  if (!consumed) throw new Error('the v2 ledger contract lost TransactionRecorded');
  return createConsumerEdge({
    contract: declareConsumer(ledgerManifest, {
      TransactionRecorded: { accepts: ['2'], reads: consumed.reads },
    }),
    detailType: 'TransactionRecorded',
    contracts: contractsAfterSwitch,
  });
}

/**
 * Step 3 for ingest: what it publishes goes out as v2. It stands for ingest's code change;
 * an uploaded file names no currency, so every row is in the book currency.
 *
 * @throws {ContractValidationError} when the v2 detail is invalid: a producer bug.
 */
function publishingV2(publisher: EventPublisher): EventPublisher {
  const asV2 = (event: ContractEvent): ContractEvent => {
    if (event.detailType !== 'TransactionRecorded') return event;
    const detail = upcastV1ToV2(event.detail as unknown as Detail);
    const valid = contractsAfterSwitch.validate('TransactionRecorded', '2', detail);
    if (!valid.ok) throw new ContractValidationError('TransactionRecorded', valid.issues);
    return { ...event, detail: detail as unknown as ContractEvent['detail'] };
  };
  return { publish: (events) => publisher.publish(events.map(asV2)) };
}

export {
  BOOK_CURRENCY,
  contractsAfterSwitch,
  contractsWithV2,
  ledgerConsumesV2,
  ledgerEdgeV2,
  ledgerEdgeV2Only,
  publishingV2,
  transactionRecordedV2,
  upcastV1ToV2,
};
