import {
  type ConsumerEdge,
  createConsumerEdge,
  eventContracts,
  UndeclaredFieldReadError,
} from '@txnflow/contracts';
import { readPublishedConsumers } from '@txnflow/contracts/published';
import { withoutRead } from '@txnflow/contracts/testing';
import type { SQSRecord } from 'aws-lambda';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../src/adapters/local/sqlite-ledger-store.ts';
import { ledgerConsumes } from '../src/consumes.ts';
import { makeTransactionRecordedHandler } from '../src/handlers/transaction-recorded.ts';
import { RecordingPublisher } from './support/factories.ts';

const quiet = { info() {}, warn() {}, error() {} };
const consumed = ledgerConsumes.events.TransactionRecorded!;

/** Every example of every version the ledger accepts, as the SQS records its queue holds. */
function exampleRecords(): SQSRecord[] {
  return eventContracts
    .filter((c) => c.detailType === 'TransactionRecorded' && consumed.accepts.includes(c.version))
    .flatMap((c) => c.schema.examples as Record<string, unknown>[])
    .map((detail, i) => {
      const event = {
        version: '0',
        id: `envelope-${i}`,
        'detail-type': 'TransactionRecorded',
        source: 'txnflow.ingest',
        account: '000000000000',
        time: '2026-11-20T09:15:02Z',
        region: 'local-1',
        resources: [],
        detail,
      };
      return { messageId: `m${i}`, body: JSON.stringify(event) } as SQSRecord;
    });
}

/**
 * The ledger's handler on a fresh store, reading through `edge`; a threshold of 100.00 makes
 * the examples cross it, so the alert path (and what it reads) runs too.
 */
function ledgerReadingThrough(edge?: ConsumerEdge<'TransactionRecorded'>) {
  const store = new SqliteLedgerStore(new Database(':memory:'));
  const publisher = new RecordingPublisher();
  const retried: string[] = [];
  const handler = makeTransactionRecordedHandler({
    store,
    publisher,
    deadLetters: { send: async () => {} },
    config: { thresholdCents: 10_000 },
    log: { ...quiet, warn: (_message, fields) => void retried.push(String(fields?.error)) },
    ...(edge ? { edge } : {}),
  });
  return { handler, store, publisher, retried };
}

describe('The ledger consumer contract (consumes.ts)', () => {
  it('is published as contracts/consumers/ledger.json (run `npm run catalogue` after changing it)', async () => {
    const published = await readPublishedConsumers();

    expect(published.find((c) => c.consumer === 'ledger')).toEqual(
      JSON.parse(JSON.stringify(ledgerConsumes)),
    );
  });

  it('takes the fields its rule matches on from the manifest', () => {
    expect(consumed.matches).toEqual([
      {
        rule: 'TransactionRecordedToLedger',
        in: 'envelope',
        field: 'source',
        condition: ['txnflow.ingest'],
      },
      {
        rule: 'TransactionRecordedToLedger',
        in: 'envelope',
        field: 'detail-type',
        condition: ['TransactionRecorded'],
      },
    ]);
  });

  it('declares every field the handler reads: every example of every accepted version applies, alert included', async () => {
    const { handler, store, publisher } = ledgerReadingThrough();

    const response = await handler({ Records: exampleRecords() });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(await store.listBalancesAsStored()).toEqual([
      { customerId: 'C1', balance: '125.40' },
      { customerId: 'C2', balance: '385.00' },
    ]);
    expect(publisher.published.map((e) => e.detailType)).toEqual([
      'HighBalanceDetected',
      'HighBalanceDetected',
    ]);
  });

  it.each(Object.keys(consumed.reads.fields))(
    'declares nothing it does not read: without %s the handler fails, naming it',
    async (pointer) => {
      const edge = createConsumerEdge({
        contract: withoutRead(ledgerConsumes, 'TransactionRecorded', pointer),
        detailType: 'TransactionRecorded',
      });
      const { handler, retried } = ledgerReadingThrough(edge);

      // A read while planning fails the batch; one while publishing an alert fails its record.
      const outcome = await handler({ Records: exampleRecords() }).catch((e: unknown) => e);

      const errors = outcome instanceof Error ? [outcome.message] : retried;
      expect(outcome instanceof UndeclaredFieldReadError || retried.length > 0).toBe(true);
      expect(errors.join('\n')).toContain(`ledger read ${pointer} of TransactionRecorded`);
    },
  );
});
