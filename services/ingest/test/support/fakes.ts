import { RecordingPublisher } from '@txnflow/contracts/testing';
import type { ByteRange, ObjectStore, TransactionRow } from '../../src/ports.ts';

/**
 * A versioned bucket in memory: each `put` is a new version (its id returned), `read` takes a
 * version id or reads the current version, and yields the body in small chunks, as a stream
 * would. `reads` records what was read, to check the version asked for.
 */
class MemoryObjectStore implements ObjectStore {
  readonly #current = new Map<string, string | Uint8Array>();
  readonly #versions = new Map<string, string | Uint8Array>();
  readonly reads: {
    bucket: string;
    key: string;
    versionId: string | undefined;
    range?: ByteRange;
  }[] = [];
  #nextVersion = 1;

  put(bucket: string, key: string, body: string | Uint8Array, versionId?: string): string {
    const id = versionId ?? `v${this.#nextVersion++}`;
    this.#current.set(`${bucket}/${key}`, body);
    this.#versions.set(`${bucket}/${key}#${id}`, body);
    return id;
  }

  text(bucket: string, key: string): string | undefined {
    return this.#current.get(`${bucket}/${key}`)?.toString();
  }

  keys(bucket: string): string[] {
    return [...this.#current.keys()]
      .filter((k) => k.startsWith(`${bucket}/`))
      .map((k) => k.slice(bucket.length + 1));
  }

  bytes(bucket: string, key: string, versionId?: string): Buffer {
    const body =
      versionId === undefined
        ? this.#current.get(`${bucket}/${key}`)
        : this.#versions.get(`${bucket}/${key}#${versionId}`);
    if (body === undefined) throw new Error(`NoSuchKey: ${bucket}/${key} ${versionId ?? ''}`);
    return Buffer.from(body);
  }

  async read(
    bucket: string,
    key: string,
    versionId?: string,
    range?: ByteRange,
  ): Promise<AsyncIterable<Uint8Array>> {
    this.reads.push({ bucket, key, versionId, ...(range ? { range } : {}) });
    const whole = this.bytes(bucket, key, versionId);
    const bytes = range ? whole.subarray(range.start, range.end) : whole;
    return (async function* () {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    })();
  }

  async size(bucket: string, key: string, versionId: string): Promise<number> {
    return this.bytes(bucket, key, versionId).length;
  }

  async write(bucket: string, key: string, body: string | Uint8Array): Promise<void> {
    this.put(bucket, key, typeof body === 'string' ? body : Buffer.from(body));
  }
}

const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount';

/** A transactions file from rows of fields, pipe-delimited, with the documented header. */
function transactionsFile(rows: readonly string[][], header = HEADER, eol = '\n'): string {
  return [header, ...rows.map((r) => r.join('|'))].join(eol) + eol;
}

function row(overrides: Partial<TransactionRow> = {}): TransactionRow {
  return {
    line: 2,
    customerId: 'C1',
    customerAddress: '12 Harbour Road, Leith',
    transactionId: 'T1',
    transactionDate: '2023-03-01',
    amountCents: 12_540,
    ...overrides,
  };
}

export { HEADER, MemoryObjectStore, RecordingPublisher, row, transactionsFile };
