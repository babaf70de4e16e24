import fc from 'fast-check';

/**
 * Random transactions files for property tests: either delimiter, LF or CRLF, with or without
 * a BOM; good rows over a few customers and transaction ids (so duplicates and conflicts
 * happen), quoted fields holding delimiters, doubled quotes and line breaks, rows that are
 * wrong in every way a row can be, blank lines, stray quotes, and now and then a quote that
 * is never closed. `noise` adds lines of raw delimiter, quote and line-break soup, to exercise
 * the parser's corners rather than the validation's.
 */

interface FileShape {
  readonly delimiter: '|' | ',';
  readonly eol: '\n' | '\r\n';
  readonly bom: boolean;
}

const HEADER_COLUMNS = ['customer_id', 'customer_address', 'trn_id', 'trn_date', 'trn_amount'];

const quoted = (text: string): string => `"${text.replaceAll('"', '""')}"`;

/** An address: plain, or quoted with the delimiter, quotes or a line break inside. */
const addressArbitrary = (shape: FileShape): fc.Arbitrary<string> =>
  fc.oneof(
    fc.constantFrom('1 Main St', '7 Mill Lane', 'Flat 2'),
    fc
      .constantFrom(
        `Flat 2${shape.eol}The Mill`,
        `Rue "Haute"${shape.delimiter} 5`,
        `a${shape.eol}${shape.eol}b`,
        `x${shape.delimiter}${shape.eol}"y"`,
        'Église 5',
      )
      .map(quoted),
  );

const goodRowArbitrary = (shape: FileShape): fc.Arbitrary<string> =>
  fc
    .record({
      customer: fc.constantFrom('C1', 'C2', 'C3', ' C4 '),
      address: addressArbitrary(shape),
      transaction: fc.integer({ min: 1, max: 12 }).map((n) => `T${n}`),
      date: fc.constantFrom('2023-03-01', '2023-03-02', '2024-02-29'),
      amount: fc.constantFrom('10.00', '-2.5', '7', '1500.00', '0.01'),
    })
    .map((r) => [r.customer, r.address, r.transaction, r.date, r.amount].join(shape.delimiter));

const badRowArbitrary = (shape: FileShape): fc.Arbitrary<string> => {
  const d = shape.delimiter;
  return fc.constantFrom(
    `C1${d}Addr${d}T1${d}2023-02-30${d}1.00`,
    `C1${d}Addr${d}T2${d}2023-03-01${d}12.345`,
    `${d}Addr${d}T3${d}2023-03-01${d}1.00`,
    `C1${d}Addr${d}T4${d}2023-03-01`,
    `C1${d}ab"c${d}T5${d}2023-03-01${d}1.00`,
    `C1${d}"ab"c${d}T6${d}2023-03-01${d}1.00`,
    `C1${d}""${d}T7${d}2023-03-01${d}1.00`,
    `C1${d}Addr${d}T 8${d}2023-03-01${d}1.00`,
    '',
    '   ',
  );
};

const NOISE = ['"', '|', ',', '\n', '\r', 'a', ' ', '""'];
const noiseArbitrary = fc
  .array(fc.constantFrom(...NOISE), { minLength: 1, maxLength: 12 })
  .map((parts) => parts.join(''));

const shapeArbitrary: fc.Arbitrary<FileShape> = fc.record({
  delimiter: fc.constantFrom('|' as const, ',' as const),
  eol: fc.constantFrom('\n' as const, '\r\n' as const),
  bom: fc.boolean(),
});

/**
 * A random transactions file, as bytes.
 *
 * @example fc.assert(fc.asyncProperty(transactionsFileArbitrary(), async (file) => { ... }))
 */
function transactionsFileArbitrary(
  options: { readonly noise?: boolean; readonly maxRows?: number } = {},
): fc.Arbitrary<Buffer> {
  return shapeArbitrary.chain((shape) => {
    const line = fc.oneof(
      { weight: 6, arbitrary: goodRowArbitrary(shape) },
      { weight: 2, arbitrary: badRowArbitrary(shape) },
      { weight: options.noise ? 2 : 0, arbitrary: noiseArbitrary },
    );
    return fc
      .record({
        lines: fc.array(line, { maxLength: options.maxRows ?? 40 }),
        unclosedQuoteAt: fc.option(fc.nat(), { freq: 8 }),
        finalEol: fc.boolean(),
      })
      .map(({ lines, unclosedQuoteAt, finalEol }) => {
        const rows = [...lines];
        if (unclosedQuoteAt !== null && rows.length > 0) {
          const at = unclosedQuoteAt % rows.length;
          rows[at] = `C9${shape.delimiter}"never closed${shape.eol}${rows[at]}`;
        }
        const header = HEADER_COLUMNS.join(shape.delimiter);
        const text = [header, ...rows].join(shape.eol) + (finalEol ? shape.eol : '');
        return Buffer.concat([
          shape.bom ? Buffer.from([0xef, 0xbb, 0xbf]) : Buffer.alloc(0),
          Buffer.from(text, 'utf8'),
        ]);
      });
  });
}

export type { FileShape };
export { transactionsFileArbitrary };
