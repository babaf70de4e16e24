import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteIngestStore } from '../../src/adapters/local/sqlite-ingest-store.ts';
import { createIngestApi } from '../../src/http/ingest-api.ts';
import type { IngestQueries, StoredUpload, UploadTarget } from '../../src/ports.ts';
import { row } from '../support/fakes.ts';

/** An uploads bucket in memory: what was put, by key and version. */
class MemoryUploads implements UploadTarget {
  readonly puts: { key: string; body: string }[] = [];

  async put(key: string, body: AsyncIterable<Uint8Array>): Promise<StoredUpload> {
    const chunks: Buffer[] = [];
    for await (const chunk of body) chunks.push(Buffer.from(chunk));
    const text = Buffer.concat(chunks).toString('utf8');
    this.puts.push({ key, body: text });
    return { bucket: 'uploads', key, versionId: `v${this.puts.length}`, bytes: text.length };
  }
}

const MAX_UPLOAD_BYTES = 64;

describe('ingest API', () => {
  let store: SqliteIngestStore;
  let uploads: MemoryUploads;
  let errors: unknown[];
  let app: ReturnType<typeof createIngestApi>;

  const make = (queries: IngestQueries = store) =>
    createIngestApi({
      queries,
      uploads,
      maxUploadBytes: MAX_UPLOAD_BYTES,
      log: { error: (_message, extra) => errors.push(extra) },
    });

  beforeEach(async () => {
    store = new SqliteIngestStore(new Database(':memory:'));
    uploads = new MemoryUploads();
    errors = [];
    app = make();
    await store.putCustomers(
      [
        { customerId: 'C1', address: '12 Harbour Road', line: 2 },
        { customerId: 'C2', address: '7 Mill Lane', line: 3 },
        { customerId: 'C3', address: '1 Quay', line: 4 },
      ],
      'upload-1',
    );
    await store.recordBatch(
      [
        row({ customerId: 'C2', transactionId: 'T2', amountCents: -2_540, line: 2 }),
        row({ customerId: 'C2', transactionId: 'T1', amountCents: 125_000, line: 3 }),
      ],
      'upload-1',
    );
  });

  const problemOf = async (response: Response) => {
    expect(response.headers.get('content-type')).toBe('application/problem+json');
    return (await response.json()) as { type: string; status: number; detail: string };
  };

  describe('GET /customers', () => {
    it('pages through customers with an opaque cursor until no nextCursor is given', async () => {
      const first = await app.request('/customers?limit=2');
      const page = (await first.json()) as { items: unknown[]; nextCursor: string };
      const last = await app.request(`/customers?limit=2&cursor=${page.nextCursor}`);

      expect(first.status).toBe(200);
      expect(page.items).toEqual([
        { customerId: 'C1', address: '12 Harbour Road' },
        { customerId: 'C2', address: '7 Mill Lane' },
      ]);
      expect(await last.json()).toEqual({ items: [{ customerId: 'C3', address: '1 Quay' }] });
    });

    it.each([
      ['limit=0', 'query.limit'],
      ['limit=101', 'query.limit'],
      ['limit=two', 'query.limit'],
    ])('refuses ?%s as a problem naming %s', async (query, where) => {
      const response = await app.request(`/customers?${query}`);

      expect(response.status).toBe(400);
      const problem = (await problemOf(response)) as unknown as { issues: { where: string }[] };
      expect(problem.issues.map((i) => i.where)).toEqual([where]);
    });

    it('refuses a cursor it did not hand out', async () => {
      const response = await app.request('/customers?cursor=..%2F..%2Fetc');

      expect(response.status).toBe(400);
      expect(await problemOf(response)).toMatchObject({
        type: 'urn:txnflow:problem:invalid-cursor',
      });
    });
  });

  describe('GET /customers/{id} and its transactions', () => {
    it('answers one customer, and a 404 problem for an unknown one', async () => {
      const found = await app.request('/customers/C2');
      const missing = await app.request('/customers/C9');

      expect(await found.json()).toEqual({ customerId: 'C2', address: '7 Mill Lane' });
      expect(missing.status).toBe(404);
      expect(await problemOf(missing)).toMatchObject({ status: 404, detail: 'no customer C9' });
    });

    it('refuses an id that is not one, such as a path', async () => {
      const response = await app.request('/customers/..%2F..%2Fsecrets');

      expect(response.status).toBe(400);
      expect(await problemOf(response)).toMatchObject({
        type: 'urn:txnflow:problem:invalid-request',
      });
    });

    it("lists a customer's transactions in id order, amounts as 2-decimal strings", async () => {
      const response = await app.request('/customers/C2/transactions');

      expect(await response.json()).toEqual({
        items: [
          { customerId: 'C2', transactionId: 'T1', date: '2023-03-01', amount: '1250.00' },
          { customerId: 'C2', transactionId: 'T2', date: '2023-03-01', amount: '-25.40' },
        ],
      });
    });

    it('answers 404 for the transactions of an unknown customer, an empty page for one without any', async () => {
      expect((await app.request('/customers/C9/transactions')).status).toBe(404);
      expect(await (await app.request('/customers/C1/transactions')).json()).toEqual({ items: [] });
    });
  });

  describe('POST /uploads', () => {
    const upload = (
      query: string,
      body: string | ReadableStream<Uint8Array>,
      headers: Record<string, string> = {},
    ) =>
      app.request(`/uploads?${query}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'text/plain', ...headers },
        // A stream body needs it (fetch's rule); harmless for text.
        duplex: 'half',
      } as RequestInit);

    it('puts the body under incoming/<name> and answers the version and upload id', async () => {
      const response = await upload('name=transactions.txt', 'customer_id|x\n');

      expect(response.status).toBe(202);
      expect(await response.json()).toEqual({
        bucket: 'uploads',
        key: 'incoming/transactions.txt',
        versionId: 'v1',
        bytes: 14,
        uploadId: expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-/),
      });
      expect(uploads.puts).toEqual([{ key: 'incoming/transactions.txt', body: 'customer_id|x\n' }]);
    });

    it.each(['../../etc/passwd', 'a/b.txt', '.hidden', 'x..txt', ''])(
      'refuses the file name "%s" and stores nothing',
      async (name) => {
        const response = await upload(`name=${encodeURIComponent(name)}`, 'data');

        expect(response.status).toBe(400);
        expect(await problemOf(response)).toMatchObject({
          type: 'urn:txnflow:problem:invalid-file-name',
        });
        expect(uploads.puts).toEqual([]);
      },
    );

    it('refuses a body past the limit, whether declared or streamed, and stores nothing', async () => {
      const big = 'x'.repeat(MAX_UPLOAD_BYTES + 1);
      const declared = await upload('name=big.txt', big);
      const streamed = await upload(
        'name=big.txt',
        new ReadableStream({
          start(controller) {
            controller.enqueue(new TextEncoder().encode(big.slice(0, 40)));
            controller.enqueue(new TextEncoder().encode(big.slice(40)));
            controller.close();
          },
        }),
      );

      expect([declared.status, streamed.status]).toEqual([413, 413]);
      expect(await problemOf(streamed)).toMatchObject({
        type: 'urn:txnflow:problem:upload-too-large',
        maxBytes: MAX_UPLOAD_BYTES,
      });
      expect(uploads.puts).toEqual([]);
    });

    it('refuses an empty upload', async () => {
      const response = await upload('name=empty.txt', '');

      expect(response.status).toBe(400);
      expect(uploads.puts).toEqual([]);
    });
  });

  it('answers a failing store with a 500 problem that hides the error, and logs it', async () => {
    const failing = make({
      ...store,
      customersPage: () => Promise.reject(new Error('disk on fire at /var/db')),
      findCustomer: (id) => store.findCustomer(id),
      transactionsPage: (id, page) => store.transactionsPage(id, page),
    });

    const response = await failing.request('/customers');

    expect(response.status).toBe(500);
    const problem = await problemOf(response);
    expect(problem.detail).not.toContain('disk on fire');
    expect(JSON.stringify(errors)).toContain('disk on fire');
  });

  it('answers an unknown route with a 404 problem', async () => {
    const response = await app.request('/nothing-here');

    expect(response.status).toBe(404);
    expect(await problemOf(response)).toMatchObject({ type: 'urn:txnflow:problem:no-route' });
  });

  it('serves its OpenAPI document, generated from the routes', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as {
      openapi: string;
      paths: Record<string, Record<string, unknown>>;
      components: { schemas: Record<string, unknown> };
    };

    expect(document.openapi).toBe('3.1.0');
    expect(
      Object.entries(document.paths).flatMap(([path, ops]) =>
        Object.keys(ops).map((m) => `${m} ${path}`),
      ),
    ).toEqual([
      'get /customers',
      'get /customers/{id}',
      'get /customers/{id}/transactions',
      'post /uploads',
    ]);
    expect(Object.keys(document.components.schemas)).toEqual(
      expect.arrayContaining(['Customer', 'CustomerPage', 'Transaction', 'Upload', 'Problem']),
    );
  });
});
