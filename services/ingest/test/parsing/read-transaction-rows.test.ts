import { describe, expect, it } from 'vitest';
import { InvalidHeaderError } from '../../src/parsing/errors.ts';
import { type ParsedLine, readTransactionRows } from '../../src/parsing/read-transaction-rows.ts';
import { MemoryObjectStore } from '../support/fakes.ts';

async function parse(text: string | Buffer): Promise<ParsedLine[]> {
  const objects = new MemoryObjectStore();
  objects.put('b', 'f.txt', text);
  const out: ParsedLine[] = [];
  for await (const parsed of readTransactionRows(await objects.read('b', 'f.txt'), 'f.txt')) {
    out.push(parsed);
  }
  return out;
}

const summary = (lines: ParsedLine[]) =>
  lines.map((p) =>
    p.kind === 'row'
      ? `${p.row.line}:${p.row.transactionId}:${p.row.amountCents}`
      : `${p.line}!${p.reason}`,
  );

describe('Function: readTransactionRows', () => {
  it('reads a pipe-delimited file with the documented header', async () => {
    const lines = await parse(
      'customer_id|customer_address|trn_id|trn_date|trn_amount\nC1|1 Main St, Leith|T1|2023-03-01|125.40\n',
    );

    expect(lines).toEqual([
      {
        kind: 'row',
        row: {
          line: 2,
          customerId: 'C1',
          customerAddress: '1 Main St, Leith',
          transactionId: 'T1',
          transactionDate: '2023-03-01',
          amountCents: 12_540,
        },
      },
    ]);
  });

  it('reads a comma-delimited file with quoted fields holding commas, quotes and newlines', async () => {
    const text =
      'customer_id,customer_address,trn_id,trn_date,trn_amount\n' +
      'C1,"1 Main St, Leith",T1,2023-03-01,10.00\n' +
      'C2,"Flat 2\nThe ""Old"" Mill",T2,2023-03-02,-5.5\n' +
      'C3,3 High St,T3,2023-03-03,7\n';

    const lines = await parse(text);

    expect(summary(lines)).toEqual(['2:T1:1000', '3:T2:-550', '5:T3:700']);
    expect(lines[1]).toMatchObject({ row: { customerAddress: 'Flat 2\nThe "Old" Mill' } });
  });

  it('accepts a UTF-8 BOM, CRLF line ends and blank lines, keeping line numbers true', async () => {
    const text =
      '\uFEFFcustomer_id|customer_address|trn_id|trn_date|trn_amount\r\n' +
      'C1|Rue de l’Église 5|T1|2023-03-01|1.00\r\n\r\n' +
      'C1|Rue de l’Église 5|T2|2023-03-02|2.00\r\n';

    const lines = await parse(Buffer.from(text, 'utf8'));

    expect(summary(lines)).toEqual(['2:T1:100', '4:T2:200']);
    expect(lines[0]).toMatchObject({ row: { customerAddress: 'Rue de l’Église 5' } });
  });

  it('counts a quoted field spanning CRLF lines as the lines it spans', async () => {
    const text =
      'customer_id|customer_address|trn_id|trn_date|trn_amount\r\n' +
      'C1|"Flat 2\r\nThe Mill"|T1|2023-03-01|1.00\r\n\r\n' +
      'C1|Addr|T2|2023-03-02|oops\r\n' +
      'C1|Addr|T3|2023-03-02|3.00';

    expect(summary(await parse(text))).toEqual([
      '2:T1:100',
      '5!trn_amount: "oops": expected a decimal number such as 125.40 or -25.00',
      '6:T3:300',
    ]);
  });

  it('takes the columns by header name, whatever their order and case', async () => {
    const lines = await parse(
      'TRN_ID|trn_amount|customer_id|trn_date|customer_address\nT9|3.10|C9|2023-01-31|Addr\n',
    );

    expect(lines).toMatchObject([
      { row: { customerId: 'C9', transactionId: 'T9', amountCents: 310 } },
    ]);
  });

  it('rejects bad rows with their line and a reason naming the field, and reads on', async () => {
    const text = [
      'customer_id|customer_address|trn_id|trn_date|trn_amount',
      'C1|Addr|T1|2023-03-01|1.00',
      'C1|Addr|T2|2023-02-30|1.00',
      'C1|Addr|T3|2023-03-01|12.345',
      '|Addr|T4|2023-03-01|1.00',
      'C1||T5|2023-03-01|1.00',
      'C1|Addr|T6|01/03/2023|1.00',
      'C1|Addr|T7|2023-03-01',
      'C1|Addr|T 8|2023-03-01|1.00',
      'C1|Addr|T9|2023-03-01|1,000.00',
      'C1|Addr|T10|2023-03-01T10:15:00Z|2.00',
      '',
    ].join('\n');

    expect(summary(await parse(text))).toEqual([
      '2:T1:100',
      '3!trn_date: "2023-02-30" is not a calendar date (YYYY-MM-DD or ISO date-time)',
      '4!trn_amount: "12.345": has 3 decimal places, at most 2 are allowed',
      '5!customer_id: is empty',
      '6!customer_address: is empty',
      '7!trn_date: "01/03/2023" is not a calendar date (YYYY-MM-DD or ISO date-time)',
      '8!expected 5 fields, found 4',
      '9!trn_id: "T 8" is not an id (letters, digits, . _ -; at most 64)',
      '10!trn_amount: "1,000.00": expected a decimal number such as 125.40 or -25.00',
      '11:T10:200',
    ]);
  });

  describe.each([
    ['LF', '', '\n'],
    ['CRLF', '', '\r\n'],
    ['BOM and CRLF', '\uFEFF', '\r\n'],
  ])('bytes that are not UTF-8 (%s)', (_name, bom, eol) => {
    const file = (...rows: Buffer[]): Buffer =>
      Buffer.concat(
        [
          Buffer.from(`${bom}customer_id|customer_address|trn_id|trn_date|trn_amount`),
          ...rows,
        ].flatMap((row) => [row, Buffer.from(eol)]),
      );
    const utf8 = (text: string) => Buffer.from(text, 'utf8');
    const latin1 = (text: string) => Buffer.from(text, 'latin1');

    it('rejects the row naming its line and field, and reads the rows around it', async () => {
      const lines = await parse(
        file(
          utf8('C1|Zürich 1|T1|2023-03-01|1.00'),
          latin1('C2|München 2|T2|2023-03-01|2.00'),
          utf8('C3|Köln 3|T3|2023-03-01|3.00'),
        ),
      );

      expect(summary(lines)).toEqual([
        '2:T1:100',
        '3!customer_address: is not valid UTF-8 (save the file as UTF-8)',
        '4:T3:300',
      ]);
      expect(lines[2]).toMatchObject({ row: { customerAddress: 'Köln 3' } });
    });

    it('names the first field holding them, by header name, and keeps a real U+FFFD', async () => {
      const lines = await parse(
        file(
          latin1('C\xe91|Addr|T\xe91|2023-03-01|1.00'),
          utf8('C2|Addr \uFFFD|T2|2023-03-01|2.00'),
          Buffer.from([0xa0]),
        ),
      );

      expect(summary(lines)).toEqual([
        '2!customer_id: is not valid UTF-8 (save the file as UTF-8)',
        '3:T2:200',
        '4!expected 5 fields, found 1',
      ]);
      expect(lines[1]).toMatchObject({ row: { customerAddress: 'Addr \uFFFD' } });
    });
  });

  it('refuses a header that is not UTF-8', async () => {
    const header = Buffer.from(
      'customer_id|customer_addr\xe9ss|trn_id|trn_date|trn_amount\n',
      'latin1',
    );

    await expect(parse(header)).rejects.toThrowError('f.txt:1: the header is not valid UTF-8');
  });

  it('rejects an amount beyond the largest supported, naming the field', async () => {
    const text = [
      'customer_id|customer_address|trn_id|trn_date|trn_amount',
      'C1|Addr|T1|2023-03-01|9999999999999.99',
      'C2|Addr|T2|2023-03-01|-10000000000000.00',
      '',
    ].join('\n');

    expect(summary(await parse(text))).toEqual([
      '2:T1:999999999999999',
      '3!trn_amount: "-10000000000000.00": is beyond the largest supported amount, 9999999999999.99',
    ]);
  });

  it('reports a quote left open as one rejection naming the lines it swallowed', async () => {
    const text = [
      'customer_id|customer_address|trn_id|trn_date|trn_amount',
      'C1|Addr|T1|2023-03-01|1.00',
      'C1|"Addr|T2|2023-03-01|1.00',
      'C1|Addr|T3|2023-03-01|1.00',
      '',
    ].join('\n');

    const lines = await parse(text);

    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ kind: 'rejected', line: 3 });
    expect((lines[1] as { reason: string }).reason).toMatch(/malformed CSV: .*lines 3-/);
  });

  it('refuses a file whose header is not the documented one, naming line 1', async () => {
    await expect(parse('id|address|amount\nC1|A|1.00\n')).rejects.toThrowError(InvalidHeaderError);
    await expect(parse('id|address|amount\n')).rejects.toThrowError(
      /^f\.txt:1: header must be customer_id\|customer_address\|trn_id\|trn_date\|trn_amount/,
    );
  });

  it('refuses an empty file', async () => {
    await expect(parse('')).rejects.toThrowError('f.txt:1: the file is empty');
  });
});
