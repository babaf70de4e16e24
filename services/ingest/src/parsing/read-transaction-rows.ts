import { once } from 'node:events';
import { type CsvError, type Options, parse } from 'csv-parse';
import type { TransactionRow } from '../ports.ts';
import { InvalidHeaderError } from './errors.ts';
import { COLUMNS, validateRow } from './validate-row.ts';

/** One line's fate: an accepted row, or a rejection naming the line and the reason. */
type ParsedLine =
  | { readonly kind: 'row'; readonly row: TransactionRow }
  | { readonly kind: 'rejected'; readonly line: number; readonly reason: string };

const LF = 0x0a;

const lineBreaks = (raw: string): number => raw.match(/\r\n|\n|\r/g)?.length ?? 0;

function describeCsvError(error: CsvError | undefined): string {
  if (error?.code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is never closed';
  return error?.message.replace(/ at line \d+/, '') ?? 'unreadable record';
}

/** Reads chunks until the first line is complete: the header decides the delimiter. */
async function splitHeader(
  chunks: AsyncIterator<Uint8Array>,
): Promise<{ head: Buffer; headerLine: string }> {
  const parts: Buffer[] = [];
  for (;;) {
    const next = await chunks.next();
    if (next.done) break;
    const chunk = Buffer.from(next.value);
    parts.push(chunk);
    if (chunk.includes(LF)) break;
  }
  const head = Buffer.concat(parts);
  const end = head.indexOf(LF);
  const headerLine = head
    .subarray(0, end === -1 ? head.length : end)
    .toString('utf8')
    .replace(/^\uFEFF/, '')
    .replace(/\r$/, '');
  return { head, headerLine };
}

/** Maps header names to the documented column order; throws naming what is wrong. */
function columnOrder(file: string, headerLine: string, delimiter: string): number[] {
  const names = headerLine.split(delimiter).map((n) => n.trim().toLowerCase());
  const missing = COLUMNS.filter((c) => !names.includes(c));
  if (headerLine.trim() === '') throw new InvalidHeaderError(file, 'the file is empty');
  if (missing.length > 0 || names.length !== COLUMNS.length) {
    throw new InvalidHeaderError(
      file,
      `header must be ${COLUMNS.join('|')} (pipe or comma delimited); ` +
        (missing.length > 0 ? `missing ${missing.join(', ')}` : `found ${names.length} columns`),
    );
  }
  return COLUMNS.map((c) => names.indexOf(c));
}

/**
 * Streams a transactions file and yields every line after the header as an accepted row or
 * a rejection, never both and never neither, in file order, with bounded memory.
 * Pipe or comma delimited (from the header), quoted fields, UTF-8 with or without BOM, LF
 * or CRLF, blank lines ignored. A quote left open swallows the rest of the file, as CSV
 * says; that is reported as one rejection naming the lines it covers.
 *
 * @example for await (const parsed of readTransactionRows(stream, 'incoming/t.txt')) { ... }
 * @throws {InvalidHeaderError} when the header is not the documented one.
 */
async function* readTransactionRows(
  source: AsyncIterable<Uint8Array>,
  file: string,
): AsyncGenerator<ParsedLine> {
  const chunks = source[Symbol.asyncIterator]();
  const { head, headerLine } = await splitHeader(chunks);
  const delimiter = headerLine.includes('|') ? '|' : ',';
  const order = columnOrder(file, headerLine, delimiter);

  // Line numbers are counted from each record's raw text, in parse order: csv-parse's own
  // counts drift with CRLF, and its 'skip' events race the records already buffered.
  let nextLine = 2;
  const pendingSkips: ParsedLine[] = [];
  // With `raw: true` csv-parse hands on_record `{ record, raw }`, which its types do not model.
  const options = {
    delimiter,
    bom: true,
    from_line: 2,
    raw: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_record: ({ record, raw }: { record: string[]; raw: string }) => {
      const line = nextLine;
      nextLine += lineBreaks(raw);
      return { fields: record, line, skipsBefore: pendingSkips.splice(0) };
    },
    on_skip: (error: CsvError | undefined, raw: string | undefined) => {
      const line = nextLine;
      const breaks = lineBreaks(raw ?? '');
      nextLine += breaks;
      const span = breaks > 1 ? ` (lines ${line}-${line + breaks - 1} could not be read)` : '';
      pendingSkips.push({
        kind: 'rejected',
        line,
        reason: `malformed CSV: ${describeCsvError(error)}${span}`,
      });
      return undefined;
    },
  };
  const parser = parse(options as unknown as Options);
  const feed = (async () => {
    if (!parser.write(head)) await once(parser, 'drain');
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      if (!parser.write(next.value)) await once(parser, 'drain');
    }
    parser.end();
  })();
  feed.catch((error: unknown) => parser.destroy(error as Error));

  for await (const { fields: record, line, skipsBefore } of parser as AsyncIterable<{
    fields: string[];
    line: number;
    skipsBefore: ParsedLine[];
  }>) {
    yield* skipsBefore;
    if (record.length === 1 && record[0]?.trim() === '') continue;
    const fields = record.length === COLUMNS.length ? order.map((i) => record[i] ?? '') : record;
    const result = validateRow(fields, line);
    yield result.ok
      ? { kind: 'row', row: result.row }
      : { kind: 'rejected', line, reason: result.reason };
  }
  yield* pendingSkips.splice(0);
  await feed;
}

export type { ParsedLine };
export { readTransactionRows };
