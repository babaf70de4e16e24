import { localTableName } from '@txnflow/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileOutput, IngestOutput } from '../../infra/cli/commands/ingest.ts';
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

  /** The text of an object in the uploads bucket: a report ingest wrote beside its file. */
  function report(key: string): Promise<string> {
    return cli.withState(async (txnflow) => {
      const parts: Buffer[] = [];
      for await (const chunk of txnflow.runtime.getObject({ bucket: txnflow.uploadsBucket, key }))
        parts.push(Buffer.from(chunk));
      return Buffer.concat(parts).toString('utf8');
    });
  }

  describe('files of the same name', () => {
    const versionOf = (file: FileOutput | undefined): string => {
      if (!file?.versionId) throw new Error(`no version for ${JSON.stringify(file)}`);
      return file.versionId;
    };
    const rejectsReportOf = (file: FileOutput | undefined): string => {
      if (!file || file.status === 'unfinished')
        throw new Error(`no report: ${JSON.stringify(file)}`);
      return file.rejectsReport;
    };

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
          rejectsReport: `reports/incoming/x-2.txt/${versionOf(output.files[1])}.rejects.csv`,
        }),
      ]);
      expect(await report(rejectsReportOf(output.files[0]))).toBe('line,reason\n');
      expect(await report(rejectsReportOf(output.files[1]))).toMatch(/^line,reason\n3,/);
      expect(await cli.json('balances')).toEqual([
        { customerId: 'C1', balance: '10.00' },
        { customerId: 'C2', balance: '20.00' },
      ]);
    });

    it('never overwrites the summary and report of an earlier command with a file of the same name', async () => {
      const first = await cli.file('a/x.txt', fileOf('C1|A|T1|2023-03-01|oops'));
      const second = await cli.file('b/x.txt', fileOf('C2|B|T1|2023-03-01|5.00'));
      const earlier = (await cli.ingest(first)).output.files[0];

      const { output } = await cli.ingest(second);

      expect(output.files).toEqual([
        expect.objectContaining({ file: 'incoming/x-2.txt', accepted: 1, rejected: [] }),
      ]);
      const summary = rejectsReportOf(earlier).replace(/\.rejects\.csv$/, '.summary.json');
      expect(JSON.parse(await report(summary))).toMatchObject({
        file: 'incoming/x.txt',
        accepted: 0,
        rejected: [{ line: 2 }],
      });
      expect(await report(rejectsReportOf(earlier))).toMatch(/^line,reason\n2,/);
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

  describe('file names S3 encodes in its events', () => {
    // The local bucket writes object.key form-encoded into "Object Created", as S3 does, and
    // ingest must decode it to read the file: a name that survives both reads its own rows.
    it.each([
      'my file+1 é.txt',
      '100% sure.txt',
      'a+b=c&d.txt',
      'café ñ 💶.txt',
      't 12:30 (1) ~x.txt',
    ])('ingests %j under incoming/<its name>, and writes its reports beside it', async (name) => {
      const path = await cli.file(
        name,
        fileOf('C1|1 Main St|T1|2023-03-01|10.00', 'C1|1 Main St|T2|x|1'),
      );

      const { code, output } = await cli.ingest(path);

      expect(code).toBe(0);
      const [file] = output.files;
      expect(file).toMatchObject({
        path,
        file: `incoming/${name}`,
        status: 'ingested',
        accepted: 1,
        rejected: [{ line: 3, reason: expect.stringMatching(/^trn_date: /) }],
      });
      const versionId = file?.versionId ?? '';
      expect(versionId).toMatch(/^[A-Za-z0-9._]{32}$/);
      const rejects = `reports/incoming/${name}/${versionId}.rejects.csv`;
      expect(file).toMatchObject({ rejectsReport: rejects });
      expect(await report(rejects)).toMatch(/^line,reason\n3,"trn_date: /);
      expect(
        JSON.parse(await report(`reports/incoming/${name}/${versionId}.summary.json`)),
      ).toMatchObject({ file: `incoming/${name}`, versionId, accepted: 1 });
      expect(await cli.json('balances')).toEqual([{ customerId: 'C1', balance: '10.00' }]);
    });
  });

  describe('versions of one key', () => {
    it('ingests the version an event names when it arrives after the key was overwritten', async () => {
      // The first upload's event fails into the dead-letter queue...
      const first = await cli.file('k.txt', fileOf('C1|A|T1|2023-03-01|10.00'));
      const failed = await cli.runWith({ TXNFLOW_FAULTS: 'fail=1' }, 'ingest', first, '--json');
      const [v1] = (JSON.parse(failed.stdout) as IngestOutput).files;
      expect(v1).toMatchObject({ file: 'incoming/k.txt', status: 'unfinished' });
      // ...the key is overwritten and the new version ingested...
      const v2 = await cli.withState(async (txnflow) => {
        const { versionId } = await txnflow.runtime.putObject({
          bucket: txnflow.uploadsBucket,
          key: 'incoming/k.txt',
          body: fileOf('C1|A|T1|2023-03-01|10.00', 'C2|B|T1|2023-03-01|2.00'),
        });
        await txnflow.runUntilIdle();
        return versionId ?? '';
      });

      // ...and the first event comes back late.
      await cli.json('redrive', 'UploadsObjectCreatedToIngestDLQ');

      const summaries = await cli.withState((txnflow) =>
        Promise.all([v1?.versionId ?? '', v2].map((v) => txnflow.summaryOf('incoming/k.txt', v))),
      );
      expect(summaries).toEqual([
        expect.objectContaining({ versionId: v1?.versionId, accepted: 0, duplicates: 1 }),
        expect.objectContaining({ versionId: v2, accepted: 2, duplicates: 0 }),
      ]);
      expect(await cli.json('balances')).toEqual([
        { customerId: 'C1', balance: '10.00' },
        { customerId: 'C2', balance: '2.00' },
      ]);
    });
  });

  describe('events ingest cannot read', () => {
    it('dead-letters an "Object Created" without a version id with the reason, and exits 3 on the next run', async () => {
      // What S3 would send for an unversioned bucket, on the bus the upload rule listens to.
      await cli.withState(async (txnflow) => {
        txnflow.runtime.putEvents([
          {
            Source: 'aws.s3',
            DetailType: 'Object Created',
            Detail: JSON.stringify({
              version: '0',
              bucket: { name: txnflow.uploadsBucket },
              object: { key: 'incoming/t.txt', size: 1, etag: 'e', sequencer: '00' },
              reason: 'PutObject',
            }),
          },
        ]);
        await txnflow.runUntilIdle();
      });

      const queue = await cli.json<{ body: string; attributes: Record<string, string> }[]>(
        'queue',
        'UploadsObjectCreatedToIngestDLQ',
      );
      const next = await cli.ingest(await cli.file('y.txt', fileOf('C2|B|T1|2023-03-01|1.00')));

      expect(queue).toEqual([
        expect.objectContaining({
          attributes: {
            ERROR_CODE: 'ContractValidationFailed',
            ERROR_MESSAGE: expect.stringContaining('/detail/object/version-id is required'),
          },
        }),
      ]);
      expect(next.code).toBe(3);
      expect(next.output.deadLetters).toEqual([
        { queue: 'UploadsObjectCreatedToIngestDLQ', messages: 1, fromThisRun: 0 },
      ]);
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
      await cli.withState(async (txnflow) => {
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
      await cli.withState((txnflow) =>
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
