import { RecordingPublisher } from '@txnflow/contracts/testing';
import type { ObjectStore, TransactionRow } from '../../src/ports.ts';

/** A bucket in memory; `read` yields the body in small chunks, as a stream would. */
class MemoryObjectStore implements ObjectStore {
  readonly objects = new Map<string, string | Buffer>();

  put(bucket: string, key: string, body: string | Buffer): void {
    this.objects.set(`${bucket}/${key}`, body);
  }

  text(bucket: string, key: string): string | undefined {
    return this.objects.get(`${bucket}/${key}`)?.toString();
  }

  async read(bucket: string, key: string): Promise<AsyncIterable<Uint8Array>> {
    const body = this.objects.get(`${bucket}/${key}`);
    if (body === undefined) throw new Error(`NoSuchKey: ${bucket}/${key}`);
    const bytes = Buffer.from(body);
    return (async function* () {
      for (let i = 0; i < bytes.length; i += 7) yield bytes.subarray(i, i + 7);
    })();
  }

  async write(bucket: string, key: string, body: string): Promise<void> {
    this.put(bucket, key, body);
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
