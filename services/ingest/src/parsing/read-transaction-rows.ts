import { once } from 'node:events';
import { type CsvError, parse } from 'csv-parse';
import type { TransactionRow } from '../ports.ts';
import { InvalidHeaderError } from './errors.ts';
import { COLUMNS, validateRow } from './validate-row.ts';

/** One line's fate: an accepted row, or a rejection naming the line and the reason. */
type ParsedLine =
  | { readonly kind: 'row'; readonly row: TransactionRow }
  | { readonly kind: 'rejected'; readonly line: number; readonly reason: string };

const LF = 0x0a;

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

  const parser = parse({
    delimiter,
    bom: true,
    from_line: 2,
    record_delimiter: ['\r\n', '\n'],
    relax_quotes: true,
    relax_column_count: true,
    skip_records_with_error: true,
    info: true,
  });
  // Rejections from csv-parse arrive as 'skip' events; queue them to keep file order.
  const skipped: { endLine: number; reason: string }[] = [];
  parser.on('skip', (error: CsvError) => {
    skipped.push({ endLine: Number(error.lines), reason: error.message });
  });
  const feed = (async () => {
    if (!parser.write(head)) await once(parser, 'drain');
    for (let next = await chunks.next(); !next.done; next = await chunks.next()) {
      if (!parser.write(next.value)) await once(parser, 'drain');
    }
    parser.end();
  })();
  feed.catch((error: unknown) => parser.destroy(error as Error));

  let lastLine = 1;
  const drainSkipped = function* (): Generator<ParsedLine> {
    for (const skip of skipped.splice(0)) {
      const line = lastLine + 1;
      lastLine = Math.max(lastLine, skip.endLine);
      const span = skip.endLine > line ? ` (lines ${line}-${skip.endLine} could not be read)` : '';
      yield { kind: 'rejected', line, reason: `malformed CSV: ${skip.reason}${span}` };
    }
  };

  for await (const { record, info } of parser as AsyncIterable<{
    record: string[];
    info: { lines: number };
  }>) {
    yield* drainSkipped();
    const line = lastLine + 1;
    lastLine = info.lines;
    if (record.length === 1 && record[0]?.trim() === '') continue;
    const fields = record.length === COLUMNS.length ? order.map((i) => record[i] ?? '') : record;
    const result = validateRow(fields, line);
    yield result.ok
      ? { kind: 'row', row: result.row }
      : { kind: 'rejected', line, reason: result.reason };
  }
  yield* drainSkipped();
  await feed;
}

export type { ParsedLine };
export { readTransactionRows };
