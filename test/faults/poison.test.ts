import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalTxnflow } from '../../infra/local-app/local-txnflow.ts';
import { CliHarness, SAMPLE } from '../support/cli.ts';

interface DlqMessage {
  body: string;
  attributes?: Record<string, unknown>;
}

describe('Poison events: a consumer dead-letters what fails its contract, and goes on', () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await CliHarness.create();
  });
  afterEach(async () => {
    await cli.dispose();
  });

  async function putOnBus(entries: { Source: string; DetailType: string; Detail: string }[]) {
    const txnflow = LocalTxnflow.open({ stateDir: cli.stateDir });
    try {
      const result = txnflow.runtime.putEvents(
        entries.map((e) => ({ ...e, EventBusName: 'txnflow' })),
      );
      expect(result.FailedEntryCount).toBe(0);
      await txnflow.runUntilIdle();
    } finally {
      txnflow.close();
    }
  }

  it('puts an invalid TransactionRecorded in the ledger DLQ with the validation error; the rest is applied', async () => {
    await cli.json('ingest', SAMPLE);
    const poison = {
      metadata: {
        eventId: 'not-a-uuid',
        schemaVersion: '1',
        correlationId: 'x',
        causationId: 'y',
        occurredAt: 'yesterday',
      },
      data: {
        customerId: 'C1',
        customerAddress: 'A',
        transactionId: 'TX',
        transactionDate: '2023-03-01',
        amount: '10.001',
        source: { bucket: 'b', key: 'k', line: 2 },
      },
    };

    await putOnBus([
      {
        Source: 'txnflow.ingest',
        DetailType: 'TransactionRecorded',
        Detail: JSON.stringify(poison),
      },
    ]);

    const dlq = await cli.json<DlqMessage[]>('queue', 'LedgerTransactionsDLQ');
    expect(dlq).toHaveLength(1);
    const reason = JSON.stringify(dlq[0]?.attributes);
    expect(reason).toContain('/detail/data/amount');
    expect(reason).toContain('/detail/metadata/eventId');
    expect(JSON.parse(dlq[0]?.body ?? '{}').detail).toEqual(poison);
    expect(await cli.json('balances')).toEqual([
      { customerId: 'C1', balance: '907.55' },
      { customerId: 'C2', balance: '1750.00' },
    ]);
  });

  it('puts an invalid HighBalanceDetected in the alerting DLQ with the validation error, and emails no one', async () => {
    const poison = { metadata: { schemaVersion: '1' }, data: { customerId: 'C1', balance: 2000 } };

    await putOnBus([
      {
        Source: 'txnflow.ledger',
        DetailType: 'HighBalanceDetected',
        Detail: JSON.stringify(poison),
      },
    ]);

    const dlq = await cli.json<DlqMessage[]>('queue', 'HighBalanceToAlertingDLQ');
    expect(dlq).toHaveLength(1);
    expect(JSON.stringify(dlq[0]?.attributes)).toContain('/detail/data/balance');
    expect(await cli.json('outbox')).toEqual([]);
    expect(await cli.json('alerts')).toEqual([]);
  });
});
