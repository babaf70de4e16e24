import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestReport } from '../../infra/local-app/ingest-reports.ts';
import { LocalTxnflow } from '../../infra/local-app/local-txnflow.ts';
import type { QueueListing } from '../../infra/local-app/queue-listing.ts';
import { CliHarness, SAMPLE } from '../support/cli.ts';

const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount';
const ROOT = new URL('../../', import.meta.url);

/** A TransactionRecorded whose amount has three decimals: the ledger dead-letters it. */
const POISON = {
  metadata: {
    eventId: '3b0a3b4e-5b7e-4e0e-9d8a-1f2d3c4b5a69',
    schemaVersion: '1',
    correlationId: 'x',
    causationId: 'y',
    occurredAt: '2026-11-26T00:00:00Z',
  },
  data: {
    customerId: 'C9',
    customerAddress: 'A',
    transactionId: 'T9',
    transactionDate: '2023-03-01',
    amount: '10.001',
    source: { bucket: 'b', key: 'k', line: 2 },
  },
};

/** The sample's balances, as `txnflow balances --json` prints them. */
const SAMPLE_BALANCES = [
  { customerId: 'C1', balance: '907.55' },
  { customerId: 'C2', balance: '1750.00' },
];

/** The lines of a table the CLI printed, split into cells (two or more spaces apart). */
const cellsOf = (table: string): string[][] =>
  table
    .trimEnd()
    .split('\n')
    .map((line) => line.trim().split(/\s{2,}/));

describe('The txnflow CLI, as a newcomer finds it', () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await CliHarness.create();
  });
  afterEach(async () => {
    await cli.dispose();
  });

  /** Puts the poison event on the bus and runs until idle: it ends in LedgerTransactionsDLQ. */
  function deadLetterOne(): Promise<void> {
    return cli.withState(async (txnflow) => {
      const put = txnflow.runtime.putEvents([
        {
          Source: 'txnflow.ingest',
          DetailType: 'TransactionRecorded',
          Detail: JSON.stringify(POISON),
          EventBusName: 'txnflow',
        },
      ]);
      expect(put.FailedEntryCount).toBe(0);
      await txnflow.runUntilIdle();
    });
  }

  describe('txnflow --version, txnflow queues', () => {
    it('prints the version of the txnflow package', async () => {
      // Prepare
      const pkg = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8'));

      // Act
      const run = await cli.run('--version');

      // Assess
      expect(run).toEqual({ code: 0, stdout: `${pkg.version}\n`, stderr: '' });
    });

    it('lists every queue and dead-letter queue with its visible and in-flight messages, and whose failures each DLQ takes', async () => {
      // Prepare
      await cli.ingest(SAMPLE);
      await deadLetterOne();

      // Act
      const queues = await cli.json<QueueListing[]>('queues');
      const table = await cli.run('queues');

      // Assess
      expect(queues).toEqual([
        { queue: 'CreditCollection', visible: 1, inFlight: 0 },
        {
          queue: 'CreditCollectionDLQ',
          visible: 0,
          inFlight: 0,
          deadLetterOf: 'queue CreditCollection',
        },
        { queue: 'CustomerNotify', visible: 1, inFlight: 0 },
        {
          queue: 'CustomerNotifyDLQ',
          visible: 0,
          inFlight: 0,
          deadLetterOf: 'queue CustomerNotify',
        },
        {
          queue: 'HighBalanceToAlertingDLQ',
          visible: 0,
          inFlight: 0,
          deadLetterOf: 'rule HighBalanceToAlerting',
        },
        {
          queue: 'HighBalanceToCreditCollectionDLQ',
          visible: 0,
          inFlight: 0,
          deadLetterOf: 'rule HighBalanceToCreditCollection',
        },
        {
          queue: 'HighBalanceToCustomerNotifyDLQ',
          visible: 0,
          inFlight: 0,
          deadLetterOf: 'rule HighBalanceToCustomerNotify',
        },
        { queue: 'IngestChunks', visible: 0, inFlight: 0 },
        {
          queue: 'IngestChunksDLQ',
          visible: 0,
          inFlight: 0,
          deadLetterOf: 'queue IngestChunks',
        },
        { queue: 'LedgerTransactions', visible: 0, inFlight: 0 },
        {
          queue: 'LedgerTransactionsDLQ',
          visible: 1,
          inFlight: 0,
          deadLetterOf: 'queue LedgerTransactions',
        },
        {
          queue: 'TransactionRecordedToLedgerDLQ',
          visible: 0,
          inFlight: 0,
          deadLetterOf: 'rule TransactionRecordedToLedger',
        },
        {
          queue: 'UploadsObjectCreatedToIngestDLQ',
          visible: 0,
          inFlight: 0,
          deadLetterOf: 'rule UploadsObjectCreatedToIngest',
        },
      ]);
      expect(cellsOf(table.stdout)[0]).toEqual(['queue', 'visible', 'inFlight', 'deadLetterOf']);
      expect(cellsOf(table.stdout)).toContainEqual([
        'LedgerTransactionsDLQ',
        '1',
        '0',
        'queue LedgerTransactions',
      ]);
    });
  });

  describe('txnflow queue NAME', () => {
    it('shows one readable line per message: id, receives, age, what the body is about, and a dead letter’s error', async () => {
      // Prepare
      await cli.ingest(SAMPLE);
      await deadLetterOne();
      const [alert] = await cli.json<{ alertId: string; balance: string }[]>('alerts');

      // Act
      const dead = await cli.run('queue', 'LedgerTransactionsDLQ');
      const notify = await cli.run('queue', 'CustomerNotify');

      // Assess
      const [head, rule, line] = cellsOf(dead.stdout);
      expect(head).toEqual(['id', 'receives', 'age', 'body', 'error']);
      expect(rule?.every((cell) => /^-+$/.test(cell))).toBe(true);
      expect(line?.slice(0, 4)).toEqual([
        expect.stringMatching(/^[0-9a-f-]{36}$/),
        '0',
        expect.stringMatching(/^\d+[smhd]$/),
        'TransactionRecorded C9/T9 amount 10.001',
      ]);
      expect(line?.[4]).toMatch(/^ContractValidationFailed: .*\/detail\/data\/amount/);
      expect(cellsOf(notify.stdout)[2]?.[3]).toBe(
        `HighBalanceDetected alert ${alert?.alertId} balance ${alert?.balance} threshold 1500.00`,
      );
      for (const text of [dead.stdout, notify.stdout]) {
        for (const tableLine of text.trimEnd().split('\n')) {
          expect(tableLine.length).toBeLessThan(400);
        }
      }
    });

    it('keeps each message whole for --json: body, attributes and receive count', async () => {
      // Prepare
      await cli.ingest(SAMPLE);
      await deadLetterOne();

      // Act
      const messages = await cli.json<
        {
          id: string;
          messageId: string;
          body: string;
          attributes: Record<string, string>;
          receiveCount: number;
        }[]
      >('queue', 'LedgerTransactionsDLQ');

      // Assess
      expect(messages).toHaveLength(1);
      expect(JSON.parse(messages[0]?.body ?? '{}').detail).toEqual(POISON);
      expect(messages[0]).toMatchObject({
        id: messages[0]?.messageId,
        receiveCount: 0,
        attributes: {
          ERROR_CODE: 'ContractValidationFailed',
          ERROR_MESSAGE: expect.stringContaining('/detail/data/amount'),
        },
      });
    });
  });

  describe('read-only commands', () => {
    const READ_ONLY = [
      ['balances'],
      ['entries'],
      ['customers'],
      ['transactions'],
      ['alerts'],
      ['outbox'],
      ['events'],
      ['events', 'dropped'],
      ['queues'],
      ['queue', 'CustomerNotify'],
      ['report', 'transactions.txt'],
      ['trace', 'C2/T2012'],
    ];

    it('answer from an empty state where the folder holds none, and create nothing', async () => {
      // Act
      const runs = [];
      for (const argv of READ_ONLY) runs.push({ argv, ...(await cli.run(...argv, '--json')) });

      // Assess
      for (const run of runs.slice(0, 10)) {
        expect(run.code, run.argv.join(' ')).toBe(0);
        expect(JSON.parse(run.stdout), run.argv.join(' ')).toEqual(
          run.argv[0] === 'queues' ? expect.any(Array) : [],
        );
      }
      const [report, trace] = runs.slice(10);
      expect(report?.stderr).toBe(
        'txnflow report failed: no upload of transactions.txt in the local bucket (txnflow ingest transactions.txt uploads it)\n',
      );
      expect(trace?.stderr).toContain('nothing in this state folder has the id "C2/T2012"');
      expect(existsSync(cli.stateDir)).toBe(false);
    });

    it('deliver nothing in a folder whose work is pending: resume does that', async () => {
      // Prepare: an event published, and the process gone before anything delivered it.
      await mkdir(cli.stateDir);
      const pending = LocalTxnflow.open({ stateDir: cli.stateDir, env: {} });
      pending.runtime.putEvents([
        {
          Source: 'txnflow.ingest',
          DetailType: 'TransactionRecorded',
          Detail: JSON.stringify({
            ...POISON,
            data: { ...POISON.data, amount: '10.00' },
          }),
          EventBusName: 'txnflow',
        },
      ]);
      pending.close();

      // Act
      for (const argv of READ_ONLY) await cli.run(...argv);
      const balancesAfterListings = await cli.json('balances');
      const resumed = await cli.run('resume');

      // Assess
      expect(balancesAfterListings).toEqual([]);
      expect(resumed.code).toBe(0);
      expect(await cli.json('balances')).toEqual([{ customerId: 'C9', balance: '10.00' }]);
    });
  });

  describe('txnflow report FILE', () => {
    it('shows the summary and rejects report of the latest ingest of a file, and where both are on disk', async () => {
      // Prepare
      const file = await cli.file(
        'in/day.txt',
        `${[HEADER, 'C1|1 Main St|T1|2023-03-01|10.00', 'C2|2 Side St|T2|2023-03-01|ten'].join('\n')}\n`,
      );
      await cli.ingest(file);
      await cli.ingest(file);

      // Act
      const report = await cli.json<IngestReport>('report', file);
      const byKey = await cli.json<IngestReport>('report', 'incoming/day.txt');
      const human = await cli.run('report', 'day.txt');

      // Assess
      expect(report).toMatchObject({
        file: 'incoming/day-2.txt',
        summary: {
          accepted: 0,
          duplicates: 1,
          rejected: [{ line: 3, reason: expect.stringMatching(/^trn_amount: /) }],
        },
        rejectsCsv: expect.stringMatching(/^line,reason\n3,"trn_amount: /),
        otherUploads: ['incoming/day.txt'],
      });
      expect(await readFile(report.reports.rejects.path, 'utf8')).toBe(report.rejectsCsv);
      expect(JSON.parse(await readFile(report.reports.summary.path, 'utf8'))).toEqual(
        report.summary,
      );
      expect(report.reports.rejects.path.startsWith(join(cli.stateDir, 'objects'))).toBe(true);
      expect(report.reports.rejects.key).toBe(report.summary.rejectsReport);
      expect(byKey).toMatchObject({ file: 'incoming/day.txt', otherUploads: [] });
      expect(byKey.summary.accepted).toBe(1);
      expect(human.stdout).toContain(
        `incoming/day-2.txt (version ${report.versionId}), ingested ${report.ingestedAt}: 0 accepted, 1 duplicates, 1 rejected`,
      );
      expect(human.stdout).toContain(`  on disk       ${report.reports.rejects.path}\n`);
      expect(human.stdout).toContain(`rejects report:\n${report.rejectsCsv}`);
    });

    it('names the command that shows the report in the ingest summary', async () => {
      // Act
      const run = await cli.run('ingest', SAMPLE);

      // Assess
      expect(run.stdout).toMatch(
        /\n {2}rejects report: reports\/incoming\/transactions\.txt\/\S+\.rejects\.csv \(txnflow report incoming\/transactions\.txt\)\n$/,
      );
    });
  });

  describe('txnflow replay', () => {
    /** The commands of the README's local replay example, without `npx txnflow`. */
    async function readmeReplayExample(): Promise<string[][]> {
      const readme = await readFile(new URL('README.md', ROOT), 'utf8');
      const section = readme.slice(readme.indexOf('### Replay and backfill\n'));
      const block = /```sh\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
      return block
        .trim()
        .split('\n')
        .map((line) => line.replace(/^npx txnflow /, '').split(/\s+/));
    }

    it("rebuilds the ledger with the README's example as written, and notifies no one again", async () => {
      // Prepare
      await cli.ingest(SAMPLE);
      const emails = await cli.json<unknown[]>('outbox');
      const commands = await readmeReplayExample();

      // Act
      const runs = [];
      for (const argv of commands) runs.push(await cli.run(...argv));

      // Assess
      expect(commands.map((argv) => argv[0])).toEqual(['reset', 'replay']);
      expect(runs.map((r) => [r.code, r.stderr])).toEqual([
        [0, ''],
        [0, ''],
      ]);
      expect(await cli.json('balances')).toEqual(SAMPLE_BALANCES);
      expect(await cli.json('outbox')).toEqual(emails);
      expect(await cli.json('queue', 'CustomerNotify')).toHaveLength(1);
    });

    it('warns, with the times the archive spans, when the window holds no event', async () => {
      // Prepare
      await cli.ingest(SAMPLE);

      // Act
      const run = await cli.run(
        'replay',
        '--from',
        '2020-01-01T00:00:00Z',
        '--to',
        '2020-01-02T00:00:00Z',
        '--json',
      );

      // Assess
      expect(run.code).toBe(0);
      expect(JSON.parse(run.stdout)).toMatchObject({ eventsTotal: 0 });
      expect(run.stderr).toMatch(
        /^txnflow replay: the window 2020-01-01T00:00:00\.000Z to 2020-01-02T00:00:00\.000Z holds no archived event, so nothing was replayed: the archive's events arrived from \S+ to \S+ \(leave out --from and --to to replay them all\)\n$/,
      );
    });
  });

  describe('wrong usage', () => {
    it('refuses extra arguments and options a command does not take, saying what it takes', async () => {
      // Act
      const runs = await Promise.all([
        cli.run('reset', 'ledger', 'extra'),
        cli.run('redrive', 'A', 'B'),
        cli.run('balances', 'C1'),
        cli.run('balances', '--customer', 'C1'),
        cli.run('queue'),
      ]);

      // Assess
      expect(runs.map((r) => [r.code, r.stdout, r.stderr])).toEqual([
        [
          2,
          '',
          'txnflow: reset takes SERVICE, not also "extra": txnflow reset SERVICE (txnflow --help lists the commands)\n',
        ],
        [
          2,
          '',
          'txnflow: redrive takes DLQ, not also "B": txnflow redrive DLQ (txnflow --help lists the commands)\n',
        ],
        [
          2,
          '',
          'txnflow: balances takes no arguments, not also "C1": txnflow balances (txnflow --help lists the commands)\n',
        ],
        [
          2,
          '',
          'txnflow: balances does not take --customer (its own options: none) (txnflow --help lists the commands)\n',
        ],
        [
          2,
          '',
          'txnflow: queue needs NAME: txnflow queue NAME (txnflow --help lists the commands)\n',
        ],
      ]);
    });

    it('says an unknown option in balanced quotes, and how to pass an argument that starts with "-"', async () => {
      // Act
      const run = await cli.run('balances', '--colour');

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        'txnflow: unknown option --colour (an argument that starts with "-" goes after "--": txnflow ingest -- -file.txt) (txnflow --help lists the commands)\n',
      );
      expect(run.stderr.split('"').length % 2).toBe(1);
      expect(run.stderr.split("'").length % 2).toBe(1);
    });

    it('reports a directory given as FILE as a directory', async () => {
      // Prepare
      const dir = join(cli.dir, 'uploads');
      await mkdir(dir);

      // Act
      const run = await cli.run('ingest', dir);

      // Assess
      expect(run.code).toBe(2);
      expect(run.stderr).toBe(
        `txnflow: ${dir} is a directory, not a file: ingest takes files (${dir}/*.txt names the .txt files in it) (txnflow --help lists the commands)\n`,
      );
    });
  });

  describe('txnflow redrive', () => {
    it('refuses a queue that is not a dead-letter queue, naming its dead-letter queue and --to', async () => {
      // Prepare
      await cli.ingest(SAMPLE);

      // Act
      const run = await cli.run('redrive', 'CustomerNotify');

      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr).toBe(
        "txnflow redrive failed: CustomerNotify is not a dead-letter queue, and redrive moves only a dead-letter queue's messages, " +
          "back where they failed or to the queue --to QUEUE names (txnflow queues lists them); CustomerNotify's failed messages " +
          'are in CustomerNotifyDLQ: txnflow redrive CustomerNotifyDLQ\n',
      );
      expect(await cli.json('queue', 'CustomerNotify')).toHaveLength(1);
    });

    it('moves a dead-letter queue’s messages to the queue --to names', async () => {
      // Prepare
      await cli.ingest(SAMPLE);
      await deadLetterOne();

      // Act
      const run = await cli.run('redrive', 'LedgerTransactionsDLQ', '--to', 'CreditCollection');

      // Assess
      expect(run).toEqual({
        code: 0,
        stdout: 'moved 1 message(s) from LedgerTransactionsDLQ to CreditCollection\n',
        stderr: '',
      });
      expect(await cli.json('queue', 'LedgerTransactionsDLQ')).toEqual([]);
      const moved = await cli.json<{ body: string }[]>('queue', 'CreditCollection');
      expect(moved.map((m) => JSON.parse(m.body)['detail-type'])).toEqual([
        'HighBalanceDetected',
        'TransactionRecorded',
      ]);
    });

    it('refuses a --to queue that does not exist, moving nothing', async () => {
      // Prepare
      await cli.ingest(SAMPLE);
      await deadLetterOne();

      // Act
      const run = await cli.run('redrive', 'LedgerTransactionsDLQ', '--to', 'Nowhere');

      // Assess
      expect(run.code).toBe(1);
      expect(run.stderr).toBe('txnflow redrive failed: Queue Nowhere does not exist.\n');
      expect(await cli.json('queue', 'LedgerTransactionsDLQ')).toHaveLength(1);
    });
  });
});
