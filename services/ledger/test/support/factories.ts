import { buildEvent, type ReceivedEvent, type TransactionRecordedV1Data } from '@txnflow/contracts';
import { RecordingPublisher } from '@txnflow/contracts/testing';
import type { LedgerEntry } from '../../src/ports.ts';

/** A TransactionRecorded as the ledger receives it. */
function transactionRecorded(
  data: Partial<TransactionRecordedV1Data> & { replayName?: string } = {},
): ReceivedEvent<'TransactionRecorded'> {
  const { replayName, ...overrides } = data;
  const event = buildEvent(
    'TransactionRecorded',
    {
      customerId: 'C1',
      customerAddress: '12 Harbour Road, Leith',
      transactionId: 'T1',
      transactionDate: '2023-03-01',
      amount: '100.00',
      source: { bucket: 'uploads', key: 'incoming/t.txt', line: 2 },
      ...overrides,
    },
    { correlationId: 'file-1', causationId: 'object-created-1' },
  );
  return {
    id: event.detail.metadata.eventId,
    detailType: 'TransactionRecorded',
    detail: event.detail,
    replayName,
  };
}

/** An SQS record body: the EventBridge event carrying a TransactionRecorded. */
function sqsBodyOf(event: ReceivedEvent<'TransactionRecorded'>): string {
  return JSON.stringify({
    version: '0',
    id: event.id,
    'detail-type': 'TransactionRecorded',
    source: 'txnflow.ingest',
    account: '000000000000',
    time: '2026-11-20T09:15:02Z',
    region: 'local-1',
    resources: [],
    detail: event.detail,
    ...(event.replayName ? { 'replay-name': event.replayName } : {}),
  });
}

/** A ledger entry with sensible defaults. */
function ledgerEntry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  return {
    customerId: 'C1',
    transactionId: 'T1',
    transactionDate: '2023-03-01',
    amountCents: 10_000,
    balanceBeforeCents: 0,
    balanceAfterCents: 10_000,
    version: 1,
    thresholdCents: 150_000,
    crossedThreshold: false,
    alertPublished: false,
    ...overrides,
  };
}

/**
 * A chain of entries for `amounts`, as the ledger would commit it on a balance read at
 * `from`: transaction ids T1, T2... (or from `firstId`), versions following `from.version`.
 */
function chainOf(
  customerId: string,
  amounts: readonly number[],
  options: { from?: { cents: number; version: number }; firstId?: number } = {},
): LedgerEntry[] {
  let { cents, version } = options.from ?? { cents: 0, version: 0 };
  return amounts.map((amountCents, i) => {
    const entry = ledgerEntry({
      customerId,
      transactionId: `T${(options.firstId ?? 1) + i}`,
      amountCents,
      balanceBeforeCents: cents,
      balanceAfterCents: cents + amountCents,
      version: version + 1,
    });
    cents += amountCents;
    version += 1;
    return entry;
  });
}

export { chainOf, ledgerEntry, RecordingPublisher, sqsBodyOf, transactionRecorded };
