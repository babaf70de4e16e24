import { readFile } from 'node:fs/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { FileOutput, IngestOutput } from '../../infra/cli/commands/ingest.ts';
import { main } from '../../infra/cli/main.ts';
import { CliHarness, SAMPLE } from '../support/cli.ts';

function quietIo() {
  let stderr = '';
  return {
    out: { write: () => true },
    err: { write: (text: string) => (stderr += text), isTTY: false },
    env: {},
    get stderr() {
      return stderr;
    },
  };
}

interface Message {
  messageId: string;
  body: string;
}

const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount';

/** The `--json` output of an ingest whose files were all read. */
type IngestedFiles = IngestOutput & { files: (FileOutput & { status: 'ingested' })[] };

describe('The main job on the local runtime, through the txnflow CLI', () => {
  let cli: CliHarness;
  beforeEach(async () => {
    cli = await CliHarness.create();
  });
  afterEach(async () => {
    await cli.dispose();
  });

  it('turns the sample file into customers, balances, one alert, two queue messages and an email', async () => {
    const { files, deadLetters } = await cli.json<IngestOutput>('ingest', SAMPLE);

    expect(files).toEqual([
      expect.objectContaining({
        path: SAMPLE,
        file: 'incoming/transactions.txt',
        status: 'ingested',
        accepted: 24,
        duplicates: 0,
        rejected: [],
      }),
    ]);
    expect(deadLetters).toEqual([]);
    expect(await cli.json('balances')).toEqual([
      { customerId: 'C1', balance: '907.55' },
      { customerId: 'C2', balance: '1750.00' },
    ]);
    expect(await cli.json('customers')).toEqual([
      { customerId: 'C1', address: '12 Harbour Road, Leith EH6 6LX' },
      { customerId: 'C2', address: '7 Mill Lane, Bristol BS1 4DJ' },
    ]);
    expect(await cli.json<unknown[]>('transactions')).toHaveLength(24);
    expect(await cli.json('transactions', '--customer', 'C1')).toContainEqual({
      customerId: 'C1',
      transactionId: 'T1003',
      date: '2023-03-03',
      amount: '-20.00',
    });

    const alerts =
      await cli.json<{ customerId: string; threshold: string; emailed: boolean }[]>('alerts');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ customerId: 'C2', threshold: '1500.00', emailed: true });

    for (const queue of ['CustomerNotify', 'CreditCollection']) {
      const messages = await cli.json<Message[]>('queue', queue);
      expect(messages, queue).toHaveLength(1);
      const event = JSON.parse(messages[0]?.body ?? '{}');
      expect(event).toMatchObject({
        source: 'txnflow.ledger',
        'detail-type': 'HighBalanceDetected',
        detail: { data: { customerId: 'C2', threshold: '1500.00' } },
      });
    }

    const emails = await cli.json<{ subject: string; to: string }[]>('outbox');
    expect(emails).toHaveLength(1);
    expect(emails[0]?.subject).toBe('Warning! Account balance is very high');
  });

  it('changes nothing when the same file is ingested again: every row is a duplicate', async () => {
    await cli.json('ingest', SAMPLE);

    const again = await cli.json<IngestOutput>('ingest', SAMPLE);

    expect(again.files).toEqual([
      expect.objectContaining({ accepted: 0, duplicates: 24, rejected: [] }),
    ]);
    expect(await cli.json('balances')).toEqual([
      { customerId: 'C1', balance: '907.55' },
      { customerId: 'C2', balance: '1750.00' },
    ]);
    expect(await cli.json<unknown[]>('alerts')).toHaveLength(1);
    expect(await cli.json<unknown[]>('outbox')).toHaveLength(1);
  });

  it('lets good rows through and reports each bad row with its line and reason', async () => {
    const file = await cli.file(
      'mixed.txt',
      [
        HEADER,
        'C7|Addr 7|T1|2023-05-01|100.00',
        'C7|Addr 7|T2|2023-02-30|5.00',
        'C7|Addr 7|T3|2023-05-02|abc',
        'C7|Addr 7|T1|2023-05-01|999.00',
        'C7|Addr 7|T4|2023-05-03|-25.50',
        '',
      ].join('\n'),
    );

    const [summary] = (await cli.json<IngestedFiles>('ingest', file)).files;

    expect(summary?.accepted).toBe(2);
    expect(summary?.rejected.map((r) => r.line)).toEqual([3, 4, 5]);
    expect(summary?.rejected[0]?.reason).toMatch(/^trn_date: /);
    expect(summary?.rejected[1]?.reason).toMatch(/^trn_amount: /);
    expect(summary?.rejected[2]?.reason).toMatch(/conflict/);
    expect(await cli.json('balances')).toEqual([{ customerId: 'C7', balance: '74.50' }]);
  });

  it('reads a messy file exactly: BOM, CRLF, refunds, many small amounts, duplicates and bad rows', async () => {
    const rows = [
      'C1|"1 Main St, Leith"|T1|2023-03-01|100.00',
      'C1|"1 Main St, Leith"|T2|2023-03-02|-25.50',
      ...Array.from(
        { length: 30 },
        (_v, i) => `C2|2 Side St|S${i}|2023-03-03|${i % 2 === 0 ? '0.10' : '0.20'}`,
      ),
      'C1|"1 Main St, Leith"|T1|2023-03-01|100.00',
      'C1|"1 Main St, Leith"|T2|2023-03-02|-25.55',
      'C3|3 Hill Rd|T9|2023-03-04|12.345',
      'C3|3 Hill Rd|T10|2023-02-29|5.00',
      'C3||T11|2023-03-04|5.00',
      'C3|3 Hill Rd|T12|2023-03-04',
      '',
      'C3|3 Hill Rd|T13|2023-03-05|0.30',
    ];
    const file = await cli.file('messy.txt', `\uFEFF${[HEADER, ...rows].join('\r\n')}\r\n`);

    const [summary] = (await cli.json<IngestedFiles>('ingest', file)).files;

    expect(summary).toMatchObject({ accepted: 33, duplicates: 1 });
    expect(summary?.rejected).toEqual([
      {
        line: 35,
        reason:
          'trn_id: conflict: T2 of C1 was recorded as -25.50 on 2023-03-02, this row says -25.55 on 2023-03-02',
      },
      { line: 36, reason: 'trn_amount: "12.345": has 3 decimal places, at most 2 are allowed' },
      {
        line: 37,
        reason: 'trn_date: "2023-02-29" is not a calendar date (YYYY-MM-DD or ISO date-time)',
      },
      { line: 38, reason: 'customer_address: is empty' },
      { line: 39, reason: 'expected 5 fields, found 4' },
    ]);
    expect(await cli.json('balances')).toEqual([
      { customerId: 'C1', balance: '74.50' },
      { customerId: 'C2', balance: '4.50' },
      { customerId: 'C3', balance: '0.30' },
    ]);
    expect(await cli.json('customers')).toContainEqual({
      customerId: 'C1',
      address: '1 Main St, Leith',
    });
  });

  it('alerts twice when a refund takes the balance below and a later file crosses again', async () => {
    await cli.json('ingest', await cli.file('a.txt', `${HEADER}\nC9|A|T1|2023-01-01|1600.00\n`));
    await cli.json('ingest', await cli.file('b.txt', `${HEADER}\nC9|A|T2|2023-01-02|-300.00\n`));
    await cli.json('ingest', await cli.file('c.txt', `${HEADER}\nC9|A|T3|2023-01-03|250.00\n`));

    expect(await cli.json('balances')).toEqual([{ customerId: 'C9', balance: '1550.00' }]);
    expect(await cli.json<unknown[]>('alerts')).toHaveLength(2);
    expect(await cli.json<unknown[]>('queue', 'CreditCollection')).toHaveLength(2);
  });

  it('prints exactly one JSON value with --json', async () => {
    await cli.json('ingest', SAMPLE);

    for (const command of [
      ['balances'],
      ['customers'],
      ['alerts'],
      ['outbox'],
      ['events'],
      ['queue', 'CustomerNotify'],
    ]) {
      const { code, stdout } = await cli.run(...command, '--json');
      expect(code, command.join(' ')).toBe(0);
      expect(() => JSON.parse(stdout), command.join(' ')).not.toThrow();
    }
  });

  it('keeps every original event in the archive', async () => {
    await cli.json('ingest', SAMPLE);

    const events = await cli.json<{ 'detail-type'?: string; detailType?: string }[]>('events');

    const types = events.map((e) => e['detail-type'] ?? e.detailType);
    expect(types.filter((t) => t === 'TransactionRecorded')).toHaveLength(24);
    expect(types.filter((t) => t === 'HighBalanceDetected')).toHaveLength(1);
  });

  it('tests an event pattern like aws events test-event-pattern', async () => {
    const event = JSON.stringify({
      source: 'txnflow.ledger',
      'detail-type': 'HighBalanceDetected',
      detail: {},
    });

    const yes = await cli.run(
      'test-pattern',
      '--pattern',
      '{"source":["txnflow.ledger"]}',
      '--event',
      event,
    );
    const no = await cli.run(
      'test-pattern',
      '--pattern',
      '{"source":["txnflow.ingest"]}',
      '--event',
      event,
    );
    const bad = await cli.run(
      'test-pattern',
      '--pattern',
      '{"source":"txnflow.ledger"}',
      '--event',
      event,
    );

    expect([yes.stdout, no.stdout]).toEqual(['true\n', 'false\n']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/source/);
  });

  it('says in one line on stderr, without a stack trace, what is wrong', async () => {
    const missing = await cli.run('ingest', '/no/such/file.txt');
    const unknown = await cli.run('frobnicate');
    const badOption = await cli.run('balances', '--colour');
    const notAFolder = await cli.file('not-a-folder', 'x');
    const io = quietIo();
    const unreadable = {
      code: await main(['balances', '--state', notAFolder], io),
      stderr: io.stderr,
    };

    expect([missing.code, unknown.code, badOption.code, unreadable.code]).toEqual([2, 2, 2, 1]);
    expect(missing.stderr).toBe(
      'txnflow: no such file: /no/such/file.txt (txnflow --help lists the commands)\n',
    );
    expect(unknown.stderr).toContain('unknown command "frobnicate"');
    expect(badOption.stderr).toContain('unknown option --colour (');
    expect(unreadable.stderr).toMatch(
      /^txnflow balances failed: cannot use the state folder .*not-a-folder: /,
    );
    for (const { stderr } of [missing, unknown, badOption, unreadable]) {
      expect(stderr.trimEnd().split('\n')).toHaveLength(1);
      expect(stderr).not.toMatch(/\bat .*\.ts:\d+/);
    }
  });

  it('runs the demo on a fresh state, and refuses to empty a folder that is not a state folder', async () => {
    const demo = await cli.run('demo');
    const again = await cli.run('demo');
    const elsewhere = await cli.file('notes.txt', 'keep me');
    const refused = await main(['demo', '--state', cli.dir], quietIo());

    expect(demo.code).toBe(0);
    expect(demo.stdout).toContain('Warning! Account balance is very high');
    expect(demo.stdout).toMatch(/C2\s+1750\.00/);
    expect(again.stdout).toContain('24 accepted, 0 duplicates');
    expect(refused).toBe(2);
    expect(await readFile(elsewhere, 'utf8')).toBe('keep me');
  });

  it('lists queue messages with their id and body, left in place', async () => {
    await cli.json('ingest', SAMPLE);

    const first = await cli.json<{ id: string; body: string }[]>('queue', 'CreditCollection');
    const again = await cli.json<{ id: string; body: string }[]>('queue', 'CreditCollection');

    expect(first).toHaveLength(1);
    expect(first[0]?.id).toEqual(expect.any(String));
    expect(again.map((m) => m.id)).toEqual(first.map((m) => m.id));
  });
});
