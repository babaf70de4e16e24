import type { FileHeader } from './file-header.ts';

/**
 * Where the parser (csv-parse with the options of read-transaction-rows.ts) stands between two
 * bytes, as far as where records end is concerned. Nothing else it keeps (the field's text,
 * the record so far) changes where the next record starts.
 * - `recordStart`: a record ended on the byte before (or the data starts here).
 * - `fieldStart`: a delimiter was the byte before: a quote here opens a quoted field.
 * - `inField`: inside an unquoted field: a quote is text (relax_quotes).
 * - `quoted`: inside a quoted field: delimiters and line ends are text.
 * - `quoteInQuoted`: a quote inside a quoted field: a second quote makes it text (`""`),
 *   a delimiter or line end closes the field, anything else makes the quote text and the
 *   field unquoted from there (relax_quotes).
 * - `carriageReturn`: CRLF files only: a CR outside quotes, a record end if LF follows.
 */
const ScanState = {
  recordStart: 0,
  fieldStart: 1,
  inField: 2,
  quoted: 3,
  quoteInQuoted: 4,
  carriageReturn: 5,
} as const;
type ScanState = (typeof ScanState)[keyof typeof ScanState];

/** Every state, in order: a segment is scanned under each, since its start state is unknown. */
const ALL_STATES: readonly ScanState[] = [0, 1, 2, 3, 4, 5];

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;

/** Bytes, as the machine tells them apart. */
const ByteClass = { other: 0, quote: 1, delimiter: 2, lf: 3, cr: 4 } as const;
type ByteClass = (typeof ByteClass)[keyof typeof ByteClass];
const CLASSES = 5;

/** The record syntax of one file: its delimiter and its line end (from its header). */
type RecordSyntax = Pick<FileHeader, 'delimiter' | 'lineEnd'>;

/** The state after `state` reads a byte of class `byte`. */
function step(state: ScanState, byte: ByteClass, crlf: boolean): ScanState {
  if (state === ScanState.quoted) {
    return byte === ByteClass.quote ? ScanState.quoteInQuoted : ScanState.quoted;
  }
  if (state === ScanState.carriageReturn && byte === ByteClass.lf) return ScanState.recordStart;
  const atFieldStart = state === ScanState.recordStart || state === ScanState.fieldStart;
  switch (byte) {
    case ByteClass.quote:
      if (state === ScanState.quoteInQuoted) return ScanState.quoted;
      return atFieldStart ? ScanState.quoted : ScanState.inField;
    case ByteClass.delimiter:
      return ScanState.fieldStart;
    case ByteClass.lf:
      return crlf ? ScanState.inField : ScanState.recordStart;
    case ByteClass.cr:
      return crlf ? ScanState.carriageReturn : ScanState.inField;
    default:
      return ScanState.inField;
  }
}

/** What scanning a segment found, for one state the segment might start in. */
interface SegmentPath {
  /** The state at the segment's end. */
  readonly end: ScanState;
  /** The file offset of the segment's first record start, or null when none is in it. */
  readonly firstRecordStart: number | null;
  /** Line breaks between the segment's start and that record start (0 when none). */
  readonly lineBreaksBefore: number;
}

/** A scanned segment: one path per possible start state (indexed by ScanState). */
interface SegmentScan {
  readonly start: number;
  readonly end: number;
  readonly paths: readonly SegmentPath[];
  /** Line breaks in the segment: LF, CR LF and a lone CR count one each, as line numbers do. */
  readonly lineBreaks: number;
}

/**
 * The six start states move through a segment together as one tuple; the tuples met are
 * few (the paths soon agree), so each gets an id and its transitions are built once.
 */
class TupleMachine {
  readonly #crlf: boolean;
  readonly #ids = new Map<string, number>();
  readonly #tuples: ScanState[][] = [];
  /** Per tuple and byte class: the next tuple's id, -1 until built. */
  readonly #next: number[] = [];
  /** Per tuple: a bit per start state whose path is at a record start. */
  readonly recordStarts: number[] = [];

  constructor(crlf: boolean) {
    this.#crlf = crlf;
  }

  idOf(tuple: ScanState[]): number {
    const name = tuple.join('');
    const known = this.#ids.get(name);
    if (known !== undefined) return known;
    const id = this.#tuples.length;
    this.#ids.set(name, id);
    this.#tuples.push(tuple);
    for (let c = 0; c < CLASSES; c += 1) this.#next.push(-1);
    let bits = 0;
    tuple.forEach((s, i) => {
      if (s === ScanState.recordStart) bits |= 1 << i;
    });
    this.recordStarts.push(bits);
    return id;
  }

  next(id: number, byte: ByteClass): number {
    const slot = id * CLASSES + byte;
    const known = this.#next[slot] ?? -1;
    if (known !== -1) return known;
    const tuple = this.#tuples[id] ?? [];
    const built = this.idOf(tuple.map((s) => step(s, byte, this.#crlf)));
    this.#next[slot] = built;
    return built;
  }

  tuple(id: number): readonly ScanState[] {
    return this.#tuples[id] ?? [];
  }
}

function byteClasses(delimiter: string): Uint8Array {
  const classes = new Uint8Array(256);
  classes[QUOTE] = ByteClass.quote;
  classes[delimiter.charCodeAt(0)] = ByteClass.delimiter;
  classes[LF] = ByteClass.lf;
  classes[CR] = ByteClass.cr;
  return classes;
}

/**
 * Scans one segment of a file's data, `[start, end)`, under every state it might start in,
 * without knowing which: what the segment's paths are (their end states, first record starts
 * and the line breaks before them) depends on its bytes alone, so every segment of a file is
 * scanned at once, and {@link planChunks} follows the one true path from the data's start.
 * Feed the segment's bytes in order, then the byte after it (CR LF counts once), if any.
 *
 * @example const scan = new SegmentScanner(header, 1_000, 2_000); for await (const b of body) scan.feed(b); scan.finish(next);
 */
class SegmentScanner {
  readonly #machine: TupleMachine;
  readonly #classes: Uint8Array;
  readonly #start: number;
  readonly #end: number;
  #offset: number;
  #tuple: number;
  #found = 0;
  readonly #firstRecordStart: (number | null)[] = ALL_STATES.map(() => null);
  readonly #lineBreaksBefore: number[] = ALL_STATES.map(() => 0);
  #lineBreaks = 0;
  #lastWasCr = false;

  constructor(syntax: RecordSyntax, start: number, end: number) {
    this.#machine = new TupleMachine(syntax.lineEnd === 'crlf');
    this.#classes = byteClasses(syntax.delimiter);
    this.#start = start;
    this.#end = end;
    this.#offset = start;
    this.#tuple = this.#machine.idOf([...ALL_STATES]);
    this.#noteRecordStarts(start);
  }

  /** The next bytes of the segment; bytes past its end are ignored. */
  feed(bytes: Uint8Array): void {
    const usable = Math.min(bytes.length, this.#end - this.#offset);
    const machine = this.#machine;
    const classes = this.#classes;
    let tuple = this.#tuple;
    for (let i = 0; i < usable; i += 1) {
      const byte = bytes[i] as number;
      if (byte === LF || this.#lastWasCr) this.#lineBreaks += 1;
      this.#lastWasCr = byte === CR;
      tuple = machine.next(tuple, classes[byte] as ByteClass);
      if ((machine.recordStarts[tuple] as number) & ~this.#found) {
        this.#tuple = tuple;
        this.#noteRecordStarts(this.#offset + i + 1);
      }
    }
    this.#tuple = tuple;
    this.#offset += usable;
  }

  /**
   * The scan of the segment. `nextByte` is the byte after the segment (none at the end of the
   * file): a CR just before the end is one line break unless an LF follows.
   */
  finish(nextByte?: number): SegmentScan {
    if (this.#offset !== this.#end) {
      throw new RangeError(
        `segment [${this.#start}, ${this.#end}) was fed ${this.#offset - this.#start} bytes`,
      );
    }
    const trailingCr = this.#lastWasCr && nextByte !== LF ? 1 : 0;
    const ends = this.#machine.tuple(this.#tuple);
    return {
      start: this.#start,
      end: this.#end,
      paths: ALL_STATES.map((s) => ({
        end: ends[s] as ScanState,
        firstRecordStart: this.#firstRecordStart[s] ?? null,
        lineBreaksBefore: this.#lineBreaksBefore[s] ?? 0,
      })),
      lineBreaks: this.#lineBreaks + trailingCr,
    };
  }

  /** Notes the paths that are at a record start at `position`, the first time they are. */
  #noteRecordStarts(position: number): void {
    // A record starting at the end starts in the next segment, not in this one.
    if (position >= this.#end) return;
    const starts = this.#machine.recordStarts[this.#tuple] as number;
    for (const s of ALL_STATES) {
      if (starts & (1 << s) && !(this.#found & (1 << s))) {
        this.#found |= 1 << s;
        this.#firstRecordStart[s] = position;
        // Every line break before a record start is counted: the byte before it is an LF.
        this.#lineBreaksBefore[s] = this.#lineBreaks;
      }
    }
  }
}

export type { RecordSyntax, SegmentPath, SegmentScan };
export { ALL_STATES, ScanState, SegmentScanner };
