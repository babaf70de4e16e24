import { afterEach, describe, expect, it } from 'vitest';
import { CliHarness } from '../support/cli.ts';
import { expectLedgerMatchesFile } from '../support/ledger-oracle.ts';
import { readOracleRows } from '../support/transactions-oracle.ts';
import { describeLedgerOracle } from './ledger-oracle.suite.ts';

// Few customers: a queue batch of 100 holds many rows of one customer (the path a chain of
// entries is committed at once), and concurrent batches contend for the same balances.
describeLedgerOracle('few customers', 8, [3, 5, 7]);

describe('The file of the money report: 120 rows over 13 customers, amounts 3.00 to 360.00', () => {
  let cli: CliHarness;
  afterEach(async () => {
    await cli.dispose();
  });

  it('ends at the sums of the file, alerts each customer once, and a replay into a reset ledger rebuilds the same without telling anyone again', async () => {
    cli = await CliHarness.create();
    const lines = Array.from(
      { length: 120 },
      (_v, i) => `M${(i + 1) % 13}|a|T${i + 1}|2026-01-01|${3 * (i + 1)}.00`,
    );
    const file = await cli.file(
      'f.txt',
      `customer_id|customer_address|trn_id|trn_date|trn_amount\n${lines.join('\n')}\n`,
    );
    const rows = await readOracleRows(file);
    const from = new Date(Date.now() - 60_000).toISOString();

    await cli.json('ingest', file);
    const to = new Date(Date.now() + 1_000).toISOString();

    await expectLedgerMatchesFile(cli, rows, { exactQueues: true });
    expect(await cli.json<unknown[]>('alerts')).toHaveLength(13);
    await cli.json('reset', 'ledger');
    await cli.json('replay', '--from', from, '--to', to, '--rule', 'TransactionRecordedToLedger');
    await expectLedgerMatchesFile(cli, rows, { exactQueues: true });
  }, 120_000);
});
