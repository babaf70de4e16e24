import { isUtf8 } from 'node:buffer';
import { once } from 'node:events';
import { type CsvError, type Options, parse } from 'csv-parse';
import type { TransactionRow } from '../ports.ts';
import { InvalidHeaderError } from './errors.ts';
import { columnOrder, delimiterOf, type FileHeader } from './file-header.ts';
import { COLUMNS, validateRow } from './validate-row.ts';

/** One line's fate: an accepted row, or a rejection naming the line and the reason. */
type ParsedLine =
  | { readonly kind: 'row'; readonly row: TransactionRow }
  | { readonly kind: 'rejected'; readonly line: number; readonly reason: string };

/** A record as csv-parse hands it on, with the file line it starts on. */
interface NumberedRecord {
  readonly fields: string[];
  readonly raw: string;
  readonly line: number;
  readonly skipsBefore: ParsedLine[];
}

const LF = 0x0a;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);
/** Any byte outside ASCII: only then can a record hold bytes that are not UTF-8. */
const NON_ASCII = /[\x80-\xff]/;

const lineBreaks = (raw: string): number => raw.match(/\r\n|\n|\r/g)?.length ?? 0;

function describeCsvError(error: CsvError | undefined): string {
  if (error?.code === 'CSV_QUOTE_NOT_CLOSED') return 'a quoted field is never closed';
  return error?.message.replace(/ at line \d+/, '') ?? 'unreadable record';
}

/**
 * Reads chunks until the first line is complete: the header decides the delimiter. The
 * BOM is dropped here, so what follows is handed on as the file's bytes after it.
 */
async function splitHeader(
  file: string,
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
  const whole = Buffer.concat(parts);
  const head = whole.subarray(0, 3).equals(UTF8_BOM) ? whole.subarray(3) : whole;
  const end = head.indexOf(LF);
  const headerBytes = head.subarray(0, end === -1 ? head.length : end);
  if (!isUtf8(headerBytes)) throw new InvalidHeaderError(file, 'the header is not valid UTF-8');
  return { head, headerLine: headerBytes.toString('utf8').replace(/\r$/, '') };
}

/**
 * csv-parse options. Records are read as Latin-1, one character per byte, so no byte is
 * replaced on the way (a UTF-8 decode would turn bytes that are not UTF-8 into U+FFFD and
 * hide them); {@link decodeFields} then decodes each field as UTF-8, strictly. The
 * delimiter, quote and line ends are ASCII, and UTF-8 never uses ASCII bytes inside a
 * character, so splitting the bytes finds the same fields as splitting the text.
 *
 * Line numbers are counted from each record's raw text, in parse order: csv-parse's own
 * counts drift with CRLF, and its 'skip' events race the records already buffered.
 */
function csvOptions(
  delimiter: string,
  firstLine: number,
): { options: Options; pendingSkips: ParsedLine[] } {
  let nextLine = firstLine;
  const pendingSkips: ParsedLine[] = [];
  // With `raw: true` csv-parse hands on_record `{ record, raw }`, which its types do not model.
  const options = {
    delimiter,
    encoding: 'latin1',
    bom: false,
    from_line: 2,
    raw: true,
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
    on_record: ({ record, raw }: { record: string[]; raw: string }): NumberedRecord => {
      const line = nextLine;
      nextLine += lineBreaks(raw);
      return { fields: record, raw, line, skipsBefore: pendingSkips.splice(0) };
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
  return { options: options as unknown as Options, pendingSkips };
}

/**
 * Decodes a record's Latin-1 fields (its bytes) as UTF-8. `invalid` is the index of the
 * first field whose bytes are not UTF-8; that field is decoded with U+FFFD in their place.
 */
function decodeFields(record: NumberedRecord): { fields: string[]; invalid: number } {
  if (!NON_ASCII.test(record.raw)) return { fields: record.fields, invalid: -1 };
  let invalid = -1;
  const fields = record.fields.map((field, i) => {
    const bytes = Buffer.from(field, 'latin1');
    if (invalid === -1 && !isUtf8(bytes)) invalid = i;
    return bytes.toString('utf8');
  });
  return { fields, invalid };
}

/** A record's fate; undefined for a blank line, which is skipped. */
function toParsedLine(record: NumberedRecord, order: readonly number[]): ParsedLine | undefined {
  const { fields, invalid } = decodeFields(record);
  const { line } = record;
  if (fields.length === 1 && invalid === -1 && fields[0]?.trim() === '') return undefined;
  if (fields.length === COLUMNS.length && invalid !== -1) {
    const column = COLUMNS[order.indexOf(invalid)];
    return {
      kind: 'rejected',
      line,
      reason: `${column}: is not valid UTF-8 (save the file as UTF-8)`,
    };
  }
  const ordered = fields.length === COLUMNS.length ? order.map((i) => fields[i] ?? '') : fields;
  const result = validateRow(ordered, line);
  return result.ok
    ? { kind: 'row', row: result.row }
    : { kind: 'rejected', line, reason: result.reason };
}

/**
 * Parses the records after the header: `head` (the header line, then whatever bytes of the
 * file came with it) and the rest of `chunks`, the first record being line `firstLine`.
 */
async function* parseRecords(
  head: Buffer,
  chunks: AsyncIterator<Uint8Array>,
  delimiter: string,
  order: readonly number[],
  firstLine: number,
): AsyncGenerator<ParsedLine> {
  const { options, pendingSkips } = csvOptions(delimiter, firstLine);
  const parser = parse(options);
  const feed = (async () => {
    if (!parser.write(head)) await once(parser, 'drain');
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      if (!parser.write(next.value)) await once(parser, 'drain');
    }
    parser.end();
  })();
  feed.catch((error: unknown) => parser.destroy(error as Error));

  for await (const record of parser as AsyncIterable<NumberedRecord>) {
    yield* record.skipsBefore;
    const parsed = toParsedLine(record, order);
    if (parsed) yield parsed;
  }
  yield* pendingSkips.splice(0);
  await feed;
}

/**
 * Streams a transactions file and yields every line after the header as an accepted row or
 * a rejection, never both and never neither, in file order, with bounded memory.
 * Pipe or comma delimited (from the header), quoted fields, UTF-8 with or without BOM, LF
 * or CRLF, blank lines ignored. A row holding bytes that are not UTF-8 is rejected naming
 * the field, never read with replacement characters. A quote left open swallows the rest
 * of the file, as CSV says; that is reported as one rejection naming the lines it covers.
 *
 * @example for await (const parsed of readTransactionRows(stream, 'incoming/t.txt')) { ... }
 * @throws {InvalidHeaderError} when the header is not the documented one.
 */
async function* readTransactionRows(
  source: AsyncIterable<Uint8Array>,
  file: string,
): AsyncGenerator<ParsedLine> {
  const chunks = source[Symbol.asyncIterator]();
  const { head, headerLine } = await splitHeader(file, chunks);
  const delimiter = delimiterOf(headerLine);
  const order = columnOrder(file, headerLine, delimiter);
  yield* parseRecords(head, chunks, delimiter, order, 2);
}

/**
 * Streams one chunk of a transactions file: bytes that start on a record of the file (see
 * planChunks) and end on one, `firstLine` being the file's line number of the chunk's first
 * record. The parser is primed with the file's header, so it reads the chunk exactly as it
 * reads those bytes of the whole file: the same records, rejections and line numbers.
 *
 * @example for await (const parsed of readChunkRows(stream, 'incoming/t.txt', header, 40_001)) { ... }
 * @throws {InvalidHeaderError} when `header` is not the documented one.
 */
async function* readChunkRows(
  source: AsyncIterable<Uint8Array>,
  file: string,
  header: FileHeader,
  firstLine: number,
): AsyncGenerator<ParsedLine> {
  const order = columnOrder(file, header.line, header.delimiter);
  const chunks = source[Symbol.asyncIterator]();
  yield* parseRecords(Buffer.from(header.text, 'utf8'), chunks, header.delimiter, order, firstLine);
}

export type { ParsedLine };
export { readChunkRows, readTransactionRows };
