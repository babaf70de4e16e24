import type { SQSEvent, SQSRecord } from 'aws-lambda';
import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../src/adapters/local/sqlite-ledger-store.ts';
import { makeTransactionRecordedHandler } from '../../src/handlers/transaction-recorded.ts';
import { RecordingPublisher, sqsBodyOf, transactionRecorded } from '../support/factories.ts';

const record = (messageId: string, body: string) => ({ messageId, body }) as SQSRecord;
const quiet = { info() {}, warn() {}, error() {} };

describe('Handler: transactionRecorded (SQS batch)', () => {
  let store: SqliteLedgerStore;
  let publisher: RecordingPublisher;
  let deadLetters: { body: string; reason: string }[];
  let handler: ReturnType<typeof makeTransactionRecordedHandler>;

  beforeEach(() => {
    store = new SqliteLedgerStore(new Database(':memory:'));
    publisher = new RecordingPublisher();
    deadLetters = [];
    handler = makeTransactionRecordedHandler({
      store,
      publisher,
      deadLetters: { send: async (body, reason) => void deadLetters.push({ body, reason }) },
      config: { thresholdCents: 150_000 },
      log: quiet,
    });
  });

  it('applies every record of a batch and reports no failure', async () => {
    const event: SQSEvent = {
      Records: [
        record('m1', sqsBodyOf(transactionRecorded({ transactionId: 'T1', amount: '10.00' }))),
        record('m2', sqsBodyOf(transactionRecorded({ transactionId: 'T2', amount: '5.50' }))),
      ],
    };

    const response = await handler(event);

    expect(response).toEqual({ batchItemFailures: [] });
    expect(
      (await store.read([{ customerId: 'C1', transactionIds: [] }])).get('C1')?.balance.cents,
    ).toBe(1_550);
  });

  it('dead-letters an event that fails its contract, with the failing path, and goes on', async () => {
    const bad = JSON.parse(sqsBodyOf(transactionRecorded()));
    bad.detail.data.amount = '12.345';

    const response = await handler({
      Records: [
        record('bad', JSON.stringify(bad)),
        record('good', sqsBodyOf(transactionRecorded({ transactionId: 'T2', amount: '1.00' }))),
      ],
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]?.reason).toContain('/detail/data/amount');
    expect(
      (await store.read([{ customerId: 'C1', transactionIds: [] }])).get('C1')?.balance.cents,
    ).toBe(100);
  });

  it('reports only the record whose processing failed, so only it is retried', async () => {
    publisher.failuresLeft = 1;

    const response = await handler({
      Records: [
        record(
          'crossing',
          sqsBodyOf(transactionRecorded({ transactionId: 'T1', amount: '1500.00' })),
        ),
        record('plain', sqsBodyOf(transactionRecorded({ transactionId: 'T2', amount: '1.00' }))),
      ],
    });

    expect(response).toEqual({ batchItemFailures: [{ itemIdentifier: 'crossing' }] });
  });

  it('dead-letters at once a transaction that would take the balance past the largest supported, naming it', async () => {
    const huge = (id: string) =>
      sqsBodyOf(transactionRecorded({ transactionId: id, amount: '9999999999999.99' }));

    const response = await handler({
      Records: [record('m1', huge('T1')), record('m2', huge('T2'))],
    });

    expect(response).toEqual({ batchItemFailures: [] });
    expect(
      deadLetters.map((d) => [JSON.parse(d.body).detail.data.transactionId, d.reason]),
    ).toEqual([
      [
        'T2',
        'transaction T2 of customer C1: it would take the balance from 9999999999999.99 to 19999999999999.98, beyond the largest supported balance of ±9999999999999.99',
      ],
    ]);
  });

  it('logs each transaction it applied with its event, correlation and causation ids, and the balance', async () => {
    const logged: { message: string; fields?: Record<string, unknown> }[] = [];
    const logging = makeTransactionRecordedHandler({
      store,
      publisher,
      deadLetters: { send: async () => {} },
      config: { thresholdCents: 150_000 },
      log: { ...quiet, info: (message, fields) => void logged.push({ message, fields }) },
    });
    const first = transactionRecorded({ transactionId: 'T1', amount: '10.00' });

    await logging({ Records: [record('m1', sqsBodyOf(first))] });
    await logging({ Records: [record('m2', sqsBodyOf(first))] });

    expect(logged).toEqual([
      {
        message: 'applied transaction',
        fields: {
          eventId: first.detail.metadata.eventId,
          correlationId: 'file-1',
          causationId: 'object-created-1',
          envelopeId: first.id,
          customerId: 'C1',
          transactionId: 'T1',
          messageId: 'm1',
          outcome: 'applied',
          balance: '10.00',
          alerted: false,
        },
      },
      {
        message: 'applied transaction',
        fields: expect.objectContaining({ messageId: 'm2', outcome: 'duplicate', alerted: false }),
      },
    ]);
  });
});
