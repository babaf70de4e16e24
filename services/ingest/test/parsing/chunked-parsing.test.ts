import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ChunkSpan, planChunks, segmentsOf } from '../../src/domain/chunk-plan.ts';
import { type FileHeader, readFileHeader } from '../../src/parsing/file-header.ts';
import {
  type ParsedLine,
  readChunkRows,
  readTransactionRows,
} from '../../src/parsing/read-transaction-rows.ts';
import { SegmentScanner } from '../../src/parsing/record-boundaries.ts';
import { transactionsFileArbitrary } from '../support/random-files.ts';

const FILE = 'incoming/t.txt';

/** Yields `bytes` in pieces of `size`, as a stream would. */
async function* pieces(bytes: Buffer, size = 5): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

async function collect(lines: AsyncIterable<ParsedLine>): Promise<ParsedLine[]> {
  const out: ParsedLine[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

function headerOf(bytes: Buffer): FileHeader {
  const read = readFileHeader(bytes, FILE);
  if (read.kind !== 'header') throw new Error(`not splittable: ${read.reason}`);
  return read.header;
}

/** Scans every segment (each on its own, as separate Lambdas would) and plans the chunks. */
function chunksOf(bytes: Buffer, segmentBytes: number): ChunkSpan[] {
  const header = headerOf(bytes);
  const scans = segmentsOf(bytes.length, header.dataStart, segmentBytes).map(({ start, end }) => {
    const scanner = new SegmentScanner(header, start, end);
    for (let i = start; i < end; i += 3) scanner.feed(bytes.subarray(i, Math.min(end, i + 3)));
    return scanner.finish(bytes[end]);
  });
  return planChunks(scans, bytes.length);
}

/** Every chunk parsed on its own, primed with the header, the results in chunk order. */
async function parseInChunks(bytes: Buffer, segmentBytes: number): Promise<ParsedLine[]> {
  const header = headerOf(bytes);
  const out: ParsedLine[] = [];
  for (const chunk of chunksOf(bytes, segmentBytes)) {
    const body = pieces(bytes.subarray(chunk.start, chunk.end));
    out.push(...(await collect(readChunkRows(body, FILE, header, chunk.firstLine))));
  }
  return out;
}

const parseWhole = (bytes: Buffer) => collect(readTransactionRows(pieces(bytes), FILE));

const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount';

describe('Chunked parsing', () => {
  it('starts no chunk inside a quoted field that spans lines, whichever segment it starts in', async () => {
    const file = Buffer.from(
      `${HEADER}\nC1|"Flat 2\nC2|x|T9|2023-03-01|9.00\nThe Mill"|T1|2023-03-01|1.00\nC2|Addr|T2|2023-03-01|2.00\n`,
    );

    const chunks = chunksOf(file, 8);

    const texts = chunks.map((c) => file.subarray(c.start, c.end).toString());
    expect(texts).toEqual([
      'C1|"Flat 2\nC2|x|T9|2023-03-01|9.00\nThe Mill"|T1|2023-03-01|1.00\n',
      'C2|Addr|T2|2023-03-01|2.00\n',
    ]);
    expect(chunks.map((c) => c.firstLine)).toEqual([2, 5]);
    expect(await parseInChunks(file, 8)).toEqual(await parseWhole(file));
  });

  it('knows a doubled quote split between two segments is text, not the end of the field', async () => {
    const file = Buffer.from(`${HEADER}\nC1|"say ""hi""\nC2|a|T5|2023-03-01|1"|T1|2023-03-01|1\n`);
    const at = file.indexOf('""hi');

    const chunks = chunksOf(file, at - HEADER.length);

    expect(chunks).toHaveLength(1);
    expect(await parseInChunks(file, at - HEADER.length)).toEqual(await parseWhole(file));
  });

  it('ends records on CR LF only in a CRLF file, counting a CR LF split between segments once', async () => {
    const file = Buffer.from(
      `${HEADER}\r\nC1|a\nb|T1|2023-03-01|1\r\nC1|Addr|T2|2023-03-01|2\r\nC1|Addr|T3|2023-03-01|x\r\n`,
    );

    for (const segmentBytes of [1, 2, 3, 7, 13]) {
      expect(await parseInChunks(file, segmentBytes)).toEqual(await parseWhole(file));
    }
    // A lone LF is a line break for line numbers, though not a record end here.
    expect(chunksOf(file, 1).map((c) => c.firstLine)).toEqual([2, 4, 5]);
  });

  it('puts everything after a quote that is never closed in one chunk, as one rejection', async () => {
    const file = Buffer.from(
      `${HEADER}\nC1|Addr|T1|2023-03-01|1\nC1|"open|T2|2023-03-01|1\nC1|Addr|T3|2023-03-01|1\n`,
    );

    const lines = await parseInChunks(file, 4);

    expect(chunksOf(file, 4)).toHaveLength(2);
    expect(lines).toEqual(await parseWhole(file));
    expect(lines.at(-1)).toMatchObject({ kind: 'rejected', line: 3 });
  });

  it('plans no chunk for a file of only a header', () => {
    expect(chunksOf(Buffer.from(`${HEADER}\n`), 10)).toEqual([]);
  });

  it('leaves to a whole-file read a header with a lone CR in it, or none at all', () => {
    expect(readFileHeader(Buffer.from(`${HEADER}\r\r\nC1`), FILE).kind).toBe('whole-file');
    expect(readFileHeader(Buffer.from(HEADER), FILE).kind).toBe('whole-file');
    expect(readFileHeader(Buffer.from('a|b\nC1'), FILE)).toEqual({
      kind: 'whole-file',
      reason: expect.stringContaining('header must be'),
    });
  });

  it('parses any file in chunks exactly as whole, whatever the segment size', async () => {
    await fc.assert(
      fc.asyncProperty(
        transactionsFileArbitrary({ noise: true }),
        fc.integer({ min: 1, max: 120 }),
        async (file, segmentBytes) => {
          // A file that is only a header line without its line end is read whole.
          fc.pre(readFileHeader(file, FILE).kind === 'header');
          expect(await parseInChunks(file, segmentBytes)).toEqual(await parseWhole(file));
        },
      ),
      { numRuns: 300 },
    );
  });
});
