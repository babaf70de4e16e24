import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CliHarness, SAMPLE } from '../support/cli.ts';

const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount';

/** What customers and the credit team have been told, and what the ledger says. */
async function observable(cli: CliHarness) {
  const queue = async (name: string) => (await cli.json<unknown[]>('queue', name)).length;
  return {
    balances: await cli.json('balances'),
    alerts: await cli.json('alerts'),
    customerNotify: await queue('CustomerNotify'),
    creditCollection: await queue('CreditCollection'),
    emails: (await cli.json<unknown[]>('outbox')).length,
  };
}

describe('Backfill: rebuilding the ledger by replaying the archive', () => {
  let cli: CliHarness;
  const window = { from: '', to: '' };

  beforeEach(async () => {
    cli = await CliHarness.create();
    window.from = new Date(Date.now() - 60_000).toISOString();
    await cli.json('ingest', SAMPLE);
    await cli.json(
      'ingest',
      await cli.file(
        'refunds.txt',
        `${HEADER}\nC5|5 Elm Row|T1|2023-04-01|1800.00\nC5|5 Elm Row|T2|2023-04-02|-400.00\n`,
      ),
    );
    window.to = new Date(Date.now() + 1_000).toISOString();
  }, 120_000); // two ingests through the whole pipeline
  afterEach(async () => {
    await cli.dispose();
  });

  it('gives the same balances from a replay to the ledger rule alone, and notifies no one again', async () => {
    const original = await observable(cli);
    expect(original.emails).toBe(2);

    await cli.json('reset', 'ledger');
    expect(await cli.json('balances')).toEqual([]);
    const replay = await cli.json<{ state: string }>(
      'replay',
      '--from',
      window.from,
      '--to',
      window.to,
      '--rule',
      'TransactionRecordedToLedger',
    );

    expect(replay.state).toBe('COMPLETED');
    expect(await observable(cli)).toEqual(original);
  });

  it('gives the same balances from a replay to all rules, and notifies no one again', async () => {
    const original = await observable(cli);

    await cli.json('reset', 'ledger');
    await cli.json('replay', '--from', window.from, '--to', window.to);

    expect(await observable(cli)).toEqual(original);
  });

  it('changes nothing when the archive is replayed again', async () => {
    const original = await observable(cli);

    await cli.json('replay', '--from', window.from, '--to', window.to);
    await cli.json('replay', '--from', window.from, '--to', window.to);

    expect(await observable(cli)).toEqual(original);
  });
});
