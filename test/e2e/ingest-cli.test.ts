import { localTableName } from '@txnflow/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { IngestOutput } from '../../infra/cli/commands/ingest.ts';
import { LocalTxnflow } from '../../infra/local-app/local-txnflow.ts';
import { CliHarness } from '../support/cli.ts';

const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount';

/** A transactions file: the header, then one row per line. */
const fileOf = (...rows: string[]): string => `${[HEADER, ...rows].join('\n')}\n`;

describe('txnflow ingest, as a user runs it', () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await CliHarness.create();
  });
  afterEach(async () => {
    await cli.dispose();
  });

  /** Opens the state folder between commands, as an operator with the SDK would. */
  async function withState<T>(work: (txnflow: LocalTxnflow) => T | Promise<T>): Promise<T> {
    const txnflow = LocalTxnflow.open({ stateDir: cli.stateDir, env: {} });
    try {
      return await work(txnflow);
    } finally {
      txnflow.close();
    }
  }

  /** The text of an object in the uploads bucket: a report ingest wrote beside its file. */
  function report(key: string): Promise<string> {
    return withState(async (txnflow) => {
      const parts: Buffer[] = [];
      for await (const chunk of txnflow.runtime.getObject({ bucket: txnflow.uploadsBucket, key }))
        parts.push(Buffer.from(chunk));
      return Buffer.concat(parts).toString('utf8');
    });
  }

  describe('files of the same name', () => {
    it('keeps a summary and a rejects report for each of two files of one name in one command', async () => {
      const a = await cli.file('a/x.txt', fileOf('C1|1 Main St|T1|2023-03-01|10.00'));
      const b = await cli.file(
        'b/x.txt',
        fileOf('C2|2 Side St|T1|2023-03-01|20.00', 'C3|3 Hill Rd|T1|2023-03-01|oops'),
      );

      const { code, output } = await cli.ingest(a, b);

      expect(code).toBe(0);
      expect(output.files).toEqual([
        expect.objectContaining({ path: a, file: 'incoming/x.txt', accepted: 1, rejected: [] }),
        expect.objectContaining({
          path: b,
          file: 'incoming/x-2.txt',
          accepted: 1,
          rejected: [{ line: 3, reason: expect.stringMatching(/^trn_amount: /) }],
          rejectsReport: 'reports/incoming/x-2.txt.rejects.csv',
        }),
      ]);
      expect(await report('reports/incoming/x.txt.rejects.csv')).toBe('line,reason\n');
      expect(await report('reports/incoming/x-2.txt.rejects.csv')).toMatch(/^line,reason\n3,/);
      expect(await cli.json('balances')).toEqual([
        { customerId: 'C1', balance: '10.00' },
        { customerId: 'C2', balance: '20.00' },
      ]);
    });

    it('never overwrites the summary and report of an earlier command with a file of the same name', async () => {
      const first = await cli.file('a/x.txt', fileOf('C1|A|T1|2023-03-01|oops'));
      const second = await cli.file('b/x.txt', fileOf('C2|B|T1|2023-03-01|5.00'));
      await cli.ingest(first);

      const { output } = await cli.ingest(second);

      expect(output.files).toEqual([
        expect.objectContaining({ file: 'incoming/x-2.txt', accepted: 1, rejected: [] }),
      ]);
      expect(JSON.parse(await report('reports/incoming/x.txt.summary.json'))).toMatchObject({
        file: 'incoming/x.txt',
        accepted: 0,
        rejected: [{ line: 2 }],
      });
      expect(await report('reports/incoming/x.txt.rejects.csv')).toMatch(/^line,reason\n2,/);
    });

    it('reports the rows of the same file uploaded twice in one command as duplicates the second time', async () => {
      const file = await cli.file('x.txt', fileOf('C1|A|T1|2023-03-01|10.00'));

      const { output } = await cli.ingest(file, file);

      expect(output.files.map((f) => f.file)).toEqual(['incoming/x.txt', 'incoming/x-2.txt']);
      expect(output.files.map((f) => (f.status === 'unfinished' ? f : f.duplicates))).toEqual([
        0, 1,
      ]);
      expect(await cli.json('balances')).toEqual([{ customerId: 'C1', balance: '10.00' }]);
    });
  });

  describe('exit codes', () => {
    it('exits 3 naming the file and the reason when a header is unusable, and ingests the other files', async () => {
      const good = await cli.file('good.txt', fileOf('C1|A|T1|2023-03-01|10.00'));
      const bad = await cli.file('bad.txt', 'id|amount\nC1|10.00\n');

      const { code, output, stderr } = await cli.ingest(good, bad);

      expect(code).toBe(3);
      expect(output.files).toEqual([
        expect.objectContaining({ path: good, status: 'ingested', accepted: 1 }),
        expect.objectContaining({
          path: bad,
          file: 'incoming/bad.txt',
          status: 'unreadable',
          reason: expect.stringMatching(/^header must be customer_id\|/),
        }),
      ]);
      expect(stderr).toContain(`${bad} (incoming/bad.txt) was not read: header must be`);
    });

    it('exits 0 when a file has rejected rows: they are reported, not a failure of the command', async () => {
      const file = await cli.file('x.txt', fileOf('C1|A|T1|2023-02-30|10.00'));

      const { code, output, stderr } = await cli.ingest(file);

      expect(code).toBe(0);
      expect(output.files[0]).toMatchObject({ status: 'ingested', rejected: [{ line: 2 }] });
      expect(stderr).toBe('');
    });

    it('exits 3 naming each dead-letter queue, its count and the commands to look and redrive', async () => {
      const file = await cli.file('x.txt', fileOf('C1|A|T1|2023-03-01|10.00'));

      const failing = await cli.runWith({ TXNFLOW_FAULTS: 'fail=1' }, 'ingest', file, '--json');

      expect(failing.code).toBe(3);
      const output = JSON.parse(failing.stdout) as IngestOutput;
      expect(output.files).toEqual([
        expect.objectContaining({ path: file, file: 'incoming/x.txt', status: 'unfinished' }),
      ]);
      expect(output.deadLetters).toEqual([
        { queue: 'UploadsObjectCreatedToIngestDLQ', messages: 1, fromThisRun: 1 },
      ]);
      expect(failing.stderr).toContain('txnflow queue UploadsObjectCreatedToIngestDLQ');
      expect(failing.stderr).toContain('txnflow redrive UploadsObjectCreatedToIngestDLQ');

      await cli.json('redrive', 'UploadsObjectCreatedToIngestDLQ');
      const after = await cli.ingest(await cli.file('y.txt', fileOf('C2|B|T1|2023-03-01|1.00')));
      expect(after.code).toBe(0);
      expect(after.output.deadLetters).toEqual([]);
      expect(await cli.json('balances')).toEqual([
        { customerId: 'C1', balance: '10.00' },
        { customerId: 'C2', balance: '1.00' },
      ]);
    });

    it('still exits 3 while dead letters of an earlier run wait, saying none are from this run', async () => {
      await withState(async (txnflow) => {
        txnflow.runtime.putEvents([
          {
            Source: 'txnflow.ingest',
            DetailType: 'TransactionRecorded',
            Detail: JSON.stringify({ metadata: {}, data: { amount: 'poison' } }),
            EventBusName: 'txnflow',
          },
        ]);
        await txnflow.runUntilIdle();
      });
      const file = await cli.file('x.txt', fileOf('C1|A|T1|2023-03-01|10.00'));

      const { code, output, stderr } = await cli.ingest(file);

      expect(code).toBe(3);
      expect(output.files[0]).toMatchObject({ status: 'ingested', accepted: 1 });
      expect(output.deadLetters).toEqual([
        { queue: 'LedgerTransactionsDLQ', messages: 1, fromThisRun: 0 },
      ]);
      expect(stderr).toContain(
        'LedgerTransactionsDLQ holds 1 dead-lettered message(s), 0 from this run',
      );
    });
  });

  describe('money and bytes', () => {
    it('takes amounts up to the largest supported, and rejects one beyond it naming line and field', async () => {
      const file = await cli.file(
        'x.txt',
        fileOf(
          'C1|A|T1|2023-03-01|9999999999999.99',
          'C2|B|T1|2023-03-01|-9999999999999.99',
          'C3|C|T1|2023-03-01|10000000000000.00',
        ),
      );

      const { code, output } = await cli.ingest(file);

      expect(code).toBe(0);
      expect(output.files[0]).toMatchObject({
        accepted: 2,
        rejected: [
          {
            line: 4,
            reason:
              'trn_amount: "10000000000000.00": is beyond the largest supported amount, 9999999999999.99',
          },
        ],
      });
      expect(await cli.json('balances')).toEqual([
        { customerId: 'C1', balance: '9999999999999.99' },
        { customerId: 'C2', balance: '-9999999999999.99' },
      ]);
    });

    it('lists a balance stored beyond 2^53 cents by an older build exactly, beside the others', async () => {
      await cli.ingest(await cli.file('x.txt', fileOf('C1|A|T1|2023-03-01|907.55')));
      await withState((txnflow) =>
        txnflow.runtime.db
          .prepare(`INSERT INTO ${localTableName('ledger', 'TransactionTotal')} VALUES (?, ?, 1)`)
          .run('C9', 9_007_199_254_740_993n),
      );

      const listed = await cli.run('balances', '--json');

      expect(listed.code).toBe(0);
      expect(JSON.parse(listed.stdout)).toEqual([
        { customerId: 'C1', balance: '907.55' },
        { customerId: 'C9', balance: '90071992547409.93' },
      ]);
    });

    it('rejects a row that is not UTF-8 with its line and field, and takes the rows around it', async () => {
      const file = await cli.file(
        'latin1.txt',
        Buffer.concat([
          Buffer.from(`${HEADER}\nC1|Zürich|T1|2023-03-01|1.00\n`, 'utf8'),
          Buffer.from('C2|München|T1|2023-03-01|2.00\n', 'latin1'),
          Buffer.from('C3|Köln|T1|2023-03-01|3.00\n', 'utf8'),
        ]),
      );

      const { output } = await cli.ingest(file);

      expect(output.files[0]).toMatchObject({
        accepted: 2,
        rejected: [
          { line: 3, reason: 'customer_address: is not valid UTF-8 (save the file as UTF-8)' },
        ],
      });
      expect(await cli.json('customers')).toEqual([
        { customerId: 'C1', address: 'Zürich' },
        { customerId: 'C3', address: 'Köln' },
      ]);
    });
  });
});
