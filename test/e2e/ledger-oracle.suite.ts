import { afterEach, describe, expect, it } from 'vitest';
import { generateTransactionsFile, ROW_ORDERS } from '../../infra/bench/generate-transactions.ts';
import { CliHarness } from '../support/cli.ts';
import { expectLedgerMatchesFile, redriveUntilEmpty } from '../support/ledger-oracle.ts';
import { readOracleRows } from '../support/transactions-oracle.ts';

const ROWS = 2_400;

/**
 * Generated files of one customer count, in each row order, through `txnflow ingest` with
 * no faults and with TXNFLOW_FAULTS (duplicates and failures, one seed per order, dead
 * letters redriven), checked against the oracle of {@link expectLedgerMatchesFile}.
 */
function describeLedgerOracle(shape: string, customers: number, seeds: readonly number[]): void {
  describe(`Ledger against the file, through the CLI: ${ROWS} rows over ${shape} (${customers})`, () => {
    let cli: CliHarness | undefined;
    afterEach(async () => {
      await cli?.dispose();
    });

    for (const [i, order] of ROW_ORDERS.entries()) {
      const seed = seeds[i % seeds.length] ?? 1;
      const faults = `duplicate=0.3,fail=0.2,seed=${seed}`;

      it(`${order} rows: balances, chains and alerts match the file`, async () => {
        cli = await CliHarness.create();
        const file = await cli.file('generated.txt', '');
        await generateTransactionsFile(file, { rows: ROWS, customers, order, seed });

        const ingest = await cli.run('ingest', file, '--json');

        expect(ingest.code, ingest.stderr).toBe(0);
        await expectLedgerMatchesFile(cli, await readOracleRows(file), { exactQueues: true });
      }, 120_000);

      it(`${order} rows under TXNFLOW_FAULTS=${faults}, dead letters redriven: the same`, async () => {
        cli = await CliHarness.create({ TXNFLOW_FAULTS: faults });
        const file = await cli.file('generated.txt', '');
        await generateTransactionsFile(file, { rows: ROWS, customers, order, seed });

        await cli.run('ingest', file, '--json'); // may report dead letters: redriven next
        await redriveUntilEmpty(cli);

        await expectLedgerMatchesFile(cli, await readOracleRows(file), { exactQueues: false });
      }, 300_000);
    }
  });
}

export { describeLedgerOracle };
