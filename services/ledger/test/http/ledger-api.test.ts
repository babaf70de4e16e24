import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteLedgerStore } from '../../src/adapters/local/sqlite-ledger-store.ts';
import { createLedgerApi } from '../../src/http/ledger-api.ts';
import { chainOf } from '../support/factories.ts';

describe('ledger API', () => {
  let app: ReturnType<typeof createLedgerApi>;

  beforeEach(async () => {
    const store = new SqliteLedgerStore(new Database(':memory:'));
    app = createLedgerApi({ queries: store, log: { error() {} } });
    await store.commit([
      { customerId: 'C1', expectedVersion: 0, entries: chainOf('C1', [90_755]) },
      { customerId: 'C2', expectedVersion: 0, entries: chainOf('C2', [100_000, 75_000, -0]) },
    ]);
  });

  it('lists balances as 2-decimal strings, a page at a time', async () => {
    const first = (await (await app.request('/balances?limit=1')).json()) as {
      items: unknown[];
      nextCursor: string;
    };
    const rest = await (await app.request(`/balances?cursor=${first.nextCursor}`)).json();

    expect(first.items).toEqual([{ customerId: 'C1', balance: '907.55', version: 1 }]);
    expect(rest).toEqual({ items: [{ customerId: 'C2', balance: '1750.00', version: 3 }] });
  });

  it('answers a balance with a page of its entries, and the next page by cursor', async () => {
    const response = await app.request('/balances/C2?limit=2');
    const body = (await response.json()) as { entries: { nextCursor: string } };
    const next = (await (
      await app.request(`/balances/C2?limit=2&cursor=${body.entries.nextCursor}`)
    ).json()) as { entries: unknown };

    expect(body).toEqual({
      customerId: 'C2',
      balance: '1750.00',
      version: 3,
      entries: {
        items: [
          {
            transactionId: 'T1',
            date: '2023-03-01',
            amount: '1000.00',
            before: '0.00',
            after: '1000.00',
            version: 1,
            threshold: '1500.00',
            crossed: false,
            alertPublished: false,
          },
          expect.objectContaining({ transactionId: 'T2', after: '1750.00', version: 2 }),
        ],
        nextCursor: expect.any(String),
      },
    });
    expect(next.entries).toEqual({
      items: [expect.objectContaining({ transactionId: 'T3', amount: '0.00', version: 3 })],
    });
  });

  it('answers 404 problem+json for a customer without a balance, 400 for a malformed id', async () => {
    const missing = await app.request('/balances/C9');
    const malformed = await app.request('/balances/C%00');

    expect([missing.status, malformed.status]).toEqual([404, 400]);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
    expect(await missing.json()).toMatchObject({ detail: 'no balance for customer C9' });
  });

  it('serves its OpenAPI document', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, unknown>;
    };

    expect(Object.keys(document.paths)).toEqual(['/balances', '/balances/{customerId}']);
  });
});
