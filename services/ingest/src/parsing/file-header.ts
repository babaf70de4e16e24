import { isUtf8 } from 'node:buffer';
import { InvalidHeaderError } from './errors.ts';
import { COLUMNS } from './validate-row.ts';

const LF = 0x0a;
const CR = 0x0d;
const UTF8_BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** The delimiters a header may use; the header decides. */
type Delimiter = '|' | ',';

/**
 * A file's header as chunked ingest needs it: what to prime each chunk's parser with, and
 * where and how the records after it start and end.
 */
interface FileHeader {
  /** The header line with its line end, as in the file (without the BOM). */
  readonly text: string;
  /** The header line without its line end. */
  readonly line: string;
  readonly delimiter: Delimiter;
  /** The file offset of the first byte after the header (the BOM counted). */
  readonly dataStart: number;
  /**
   * How records end, as the parser discovers it from the header's line end: `lf`, or `crlf`
   * (then a lone LF or CR is part of a field).
   */
  readonly lineEnd: 'lf' | 'crlf';
}

/** Whether a file's start can be split into chunks, and if so its header. */
type HeaderRead =
  | { readonly kind: 'header'; readonly header: FileHeader }
  | { readonly kind: 'whole-file'; readonly reason: string };

/**
 * The delimiter a header line uses: pipe when it has one, else comma.
 *
 * @example delimiterOf('customer_id,customer_address,trn_id,trn_date,trn_amount') // ','
 */
function delimiterOf(headerLine: string): Delimiter {
  return headerLine.includes('|') ? '|' : ',';
}

/**
 * Maps header names to the documented column order.
 *
 * @example columnOrder('f.txt', 'trn_id|customer_id|customer_address|trn_date|trn_amount', '|') // [1, 2, 0, 3, 4]
 * @throws {InvalidHeaderError} naming what is wrong with the header.
 */
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
 * Reads the header from the first bytes of a file, for planning chunks. A file whose header
 * cannot be read here is ingested whole (which reports an unusable header as it always has):
 * no line end in `head`, a header that is not the documented one, or a carriage return
 * inside the header line, which would make the parser end records on a lone CR.
 *
 * @example readFileHeader(await firstBytes(64 * 1024), 'incoming/t.txt')
 */
function readFileHeader(head: Buffer, file: string): HeaderRead {
  const bom = head.subarray(0, 3).equals(UTF8_BOM) ? 3 : 0;
  const lf = head.indexOf(LF, bom);
  if (lf === -1) return { kind: 'whole-file', reason: 'no line end in the first bytes' };
  const cr = head.indexOf(CR, bom);
  const crlf = cr !== -1 && cr === lf - 1;
  if (cr !== -1 && cr < lf && !crlf) {
    return { kind: 'whole-file', reason: 'a carriage return inside the header line' };
  }
  const lineBytes = head.subarray(bom, crlf ? lf - 1 : lf);
  if (!isUtf8(lineBytes)) return { kind: 'whole-file', reason: 'the header is not valid UTF-8' };
  const line = lineBytes.toString('utf8');
  const delimiter = delimiterOf(line);
  try {
    columnOrder(file, line, delimiter);
  } catch (error) {
    if (!(error instanceof InvalidHeaderError)) throw error;
    return { kind: 'whole-file', reason: error.reason };
  }
  return {
    kind: 'header',
    header: {
      text: head.subarray(bom, lf + 1).toString('utf8'),
      line,
      delimiter,
      dataStart: lf + 1,
      lineEnd: crlf ? 'crlf' : 'lf',
    },
  };
}

export type { Delimiter, FileHeader, HeaderRead };
export { columnOrder, delimiterOf, readFileHeader };
