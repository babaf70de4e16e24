import Database from 'better-sqlite3';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqliteAlertStore } from '../../src/adapters/local/sqlite-alert-store.ts';
import { createAlertingApi } from '../../src/http/alerting-api.ts';
import { alert } from '../support/factories.ts';

describe('alerting API', () => {
  let app: ReturnType<typeof createAlertingApi>;

  beforeEach(async () => {
    const store = new SqliteAlertStore(new Database(':memory:'));
    app = createAlertingApi({ queries: store, log: { error() {} } });
    await store.record(alert({ alertId: 'C2:T2012', detectedAt: '2026-11-02T00:00:00.000Z' }));
    await store.record(
      alert({ alertId: 'C5:T1', customerId: 'C5', detectedAt: '2026-11-01T00:00:00.000Z' }),
    );
  });

  it('lists alerts in the order detected, money as 2-decimal strings, a page at a time', async () => {
    const first = (await (await app.request('/alerts?limit=1')).json()) as {
      items: unknown[];
      nextCursor: string;
    };
    const rest = await (await app.request(`/alerts?limit=1&cursor=${first.nextCursor}`)).json();

    expect(first.items).toEqual([expect.objectContaining({ alertId: 'C5:T1' })]);
    expect(rest).toEqual({
      items: [
        {
          alertId: 'C2:T2012',
          customerId: 'C2',
          balance: '1750.00',
          previousBalance: '1340.00',
          threshold: '1500.00',
          transactionId: 'T2012',
          transactionDate: '2023-03-05',
          detectedAt: '2026-11-02T00:00:00.000Z',
          emailed: false,
        },
      ],
    });
  });

  it('refuses a bad cursor with a problem', async () => {
    const response = await app.request('/alerts?cursor=%2F%2F');

    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe('application/problem+json');
  });

  it('serves its OpenAPI document', async () => {
    const document = (await (await app.request('/openapi.json')).json()) as {
      paths: Record<string, unknown>;
    };

    expect(Object.keys(document.paths)).toEqual(['/alerts']);
  });
});
