import { readFile } from 'node:fs/promises';
import { request } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SAMPLE, type ServedTxnflow, serveTxnflow } from './support.ts';

/** What the tests read of the answers (each checked by the assertions that read it). */
interface Answer {
  readonly items: readonly Record<string, unknown>[];
  readonly paths: Readonly<Record<string, unknown>>;
  readonly balance: string;
  readonly type: string;
  readonly outbox: readonly { messageId: string; subject: string }[];
  readonly archive: { first: string; last: string };
  readonly replays: readonly unknown[];
  readonly queues: readonly { name: string; messages: number }[];
}

describe('txnflow serve', () => {
  let served: ServedTxnflow;
  const url = (path: string) => new URL(path, served.server.url).href;
  const getJson = async (path: string) => (await (await fetch(url(path))).json()) as Answer;
  const uploadSample = async (name = 'transactions.txt') =>
    served.post(`/api/ingest/uploads?name=${name}`, {
      body: await readFile(SAMPLE),
      headers: { 'content-type': 'text/plain' },
    });

  beforeEach(async () => {
    served = await serveTxnflow({ maxUploadBytes: 4096 });
  });
  afterEach(async () => {
    await served.stop();
  });

  it('listens on 127.0.0.1 and serves the console page, with this run’s token in it', async () => {
    const response = await fetch(served.server.url);
    const page = await response.text();

    expect(served.server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    expect(response.headers.get('content-security-policy')).toContain("default-src 'self'");
    expect(page).toContain(`<meta name="txnflow-token" content="${served.server.token}">`);
  });

  it('mounts the three APIs on one port, each with its OpenAPI document', async () => {
    const documents = await Promise.all(
      ['ingest', 'ledger', 'alerting'].map((s) => getJson(`/api/${s}/openapi.json`)),
    );

    expect(documents.map((d) => Object.keys(d.paths))).toEqual([
      ['/customers', '/customers/{id}', '/customers/{id}/transactions', '/uploads'],
      ['/balances', '/balances/{customerId}'],
      ['/alerts'],
    ]);
  });

  it('runs the pipeline on an upload through ingest’s API, as an S3 upload does', async () => {
    const upload = await uploadSample();
    await served.txnflow.runUntilIdle();

    expect(upload.status).toBe(202);
    expect(await upload.json()).toMatchObject({ key: 'incoming/transactions.txt' });
    expect(await getJson('/api/ledger/balances')).toEqual({
      items: [
        { customerId: 'C1', balance: '907.55', version: 12 },
        { customerId: 'C2', balance: '1750.00', version: 12 },
      ],
    });
    expect((await getJson('/api/alerting/alerts')).items).toHaveLength(1);
    expect((await getJson('/api/console/overview')).outbox).toHaveLength(1);
  });

  describe('safe by default', () => {
    it('refuses a state-changing request without this server’s origin or without the token', async () => {
      const origin = served.server.url.replace(/\/$/, '');
      const attempts = [
        fetch(url('/api/console/reset/ledger'), { method: 'POST' }),
        fetch(url('/api/console/reset/ledger'), {
          method: 'POST',
          headers: { origin: 'http://evil.example', 'x-txnflow-token': served.server.token },
        }),
        fetch(url('/api/console/reset/ledger'), { method: 'POST', headers: { origin } }),
        fetch(url('/api/console/reset/ledger'), {
          method: 'POST',
          headers: { origin, 'x-txnflow-token': `${served.server.token}x` },
        }),
      ];

      const refused = await Promise.all(attempts);

      expect(refused.map((r) => r.status)).toEqual([403, 403, 403, 403]);
      expect(
        await Promise.all(refused.map(async (r) => ((await r.json()) as Answer).type)),
      ).toEqual([
        'urn:txnflow:problem:cross-origin',
        'urn:txnflow:problem:cross-origin',
        'urn:txnflow:problem:bad-token',
        'urn:txnflow:problem:bad-token',
      ]);
      expect((await served.post('/api/console/reset/ledger')).status).toBe(200);
    });

    it('answers no other host name than its own (a rebinding DNS name)', async () => {
      const { port } = new URL(served.server.url);
      const status = await new Promise<number | undefined>((resolve, reject) => {
        request(
          {
            host: '127.0.0.1',
            port,
            path: '/api/ledger/balances',
            headers: { host: `evil.example:${port}` },
          },
          (res) => {
            res.resume();
            resolve(res.statusCode);
          },
        )
          .on('error', reject)
          .end();
      });

      expect(status).toBe(403);
    });

    it('refuses an upload past its limit and a file name that is a path, storing nothing', async () => {
      const tooLarge = await served.post('/api/ingest/uploads?name=big.txt', {
        body: 'x'.repeat(4097),
        headers: { 'content-type': 'text/plain' },
      });
      const traversal = await served.post('/api/ingest/uploads?name=..%2F..%2Fruntime.sqlite', {
        body: 'x',
        headers: { 'content-type': 'text/plain' },
      });

      expect([tooLarge.status, traversal.status]).toEqual([413, 400]);
      expect(served.txnflow.runtime.listObjects({ bucket: served.txnflow.uploadsBucket })).toEqual(
        [],
      );
    });

    it('refuses a console request body past its limit', async () => {
      const response = await served.post('/api/console/replays', {
        body: JSON.stringify({ from: 'x'.repeat(20_000) }),
        headers: { 'content-type': 'application/json' },
      });

      expect(response.status).toBe(413);
    });

    it('looks an email up by its id in the outbox, never as a path', async () => {
      await uploadSample();
      await served.txnflow.runUntilIdle();
      const [email] = (await getJson('/api/console/overview')).outbox;
      if (!email) throw new Error('no email in the outbox');

      const opened = await getJson(`/api/console/outbox/${encodeURIComponent(email.messageId)}`);
      const traversal = await fetch(
        url(`/api/console/outbox/${encodeURIComponent('../runtime.sqlite')}`),
      );

      expect(opened).toMatchObject({ subject: email.subject, body: expect.stringContaining('C2') });
      expect(traversal.status).toBe(404);
    });

    it('stays up when a request fails: an upload cut off mid-body, then another request', async () => {
      const { port } = new URL(served.server.url);
      const origin = served.server.url.replace(/\/$/, '');
      await new Promise<void>((resolve) => {
        const cut = request({
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/ingest/uploads?name=cut.txt',
          headers: {
            origin,
            'x-txnflow-token': served.server.token,
            'content-type': 'text/plain',
            'content-length': '3000',
          },
        });
        cut.on('error', () => resolve());
        cut.write('customer_id|customer_address|trn_id|trn_date|trn_amount\n', () => {
          cut.destroy();
          resolve();
        });
      });

      const after = await fetch(url('/api/ledger/balances'));

      expect(after.status).toBe(200);
    });
  });

  describe('the console’s operations', () => {
    it('replays the archive to the ledger and notifies nobody again', async () => {
      await uploadSample();
      await served.txnflow.runUntilIdle();
      const { archive } = await getJson('/api/console/overview');

      const started = await served.post('/api/console/replays', {
        body: JSON.stringify({
          from: archive.first,
          to: new Date(Date.parse(archive.last) + 1000).toISOString(),
          rules: ['TransactionRecordedToLedger'],
        }),
        headers: { 'content-type': 'application/json' },
      });
      await served.txnflow.runUntilIdle();
      const overview = await getJson('/api/console/overview');

      expect(started.status).toBe(202);
      expect(overview.replays).toEqual([
        expect.objectContaining({
          state: 'COMPLETED',
          rules: ['TransactionRecordedToLedger'],
          // 24 TransactionRecorded and the HighBalanceDetected: the window holds both.
          eventsReplayed: 25,
        }),
      ]);
      expect(overview.outbox).toHaveLength(1);
      expect(overview.queues.find((q) => q.name === 'CustomerNotify')?.messages).toBe(1);
      expect((await getJson('/api/ledger/balances/C2')).balance).toBe('1750.00');
    });

    it('refuses a replay of an unknown rule or a window that ends before it starts', async () => {
      const post = (body: object) =>
        served.post('/api/console/replays', {
          body: JSON.stringify(body),
          headers: { 'content-type': 'application/json' },
        });
      const now = new Date().toISOString();

      const statuses = await Promise.all([
        post({ from: now, to: now, rules: [] }),
        post({ from: '2026-01-01T00:00:00Z', to: now, rules: ['DropTables'] }),
      ]);

      expect(statuses.map((r) => r.status)).toEqual([400, 400]);
    });

    it('redrives only a dead-letter queue it knows', async () => {
      const [notDead, unknown] = await Promise.all([
        served.post('/api/console/queues/CustomerNotify/redrive'),
        served.post('/api/console/queues/..%2Fx/redrive'),
      ]);

      expect([notDead.status, unknown.status]).toEqual([400, 404]);
    });

    it('traces an upload by its key, and answers 404 for an id that names nothing', async () => {
      await uploadSample();
      await served.txnflow.runUntilIdle();

      const trace = await getJson('/api/console/trace/incoming%2Ftransactions.txt');
      const unknown = await fetch(url('/api/console/trace/C9%2FT1'));

      expect(trace).toMatchObject({
        kind: 'upload',
        roots: [expect.objectContaining({ kind: 'upload' })],
      });
      expect(unknown.status).toBe(404);
    });

    it('streams a change event when the state changes', async () => {
      const controller = new AbortController();
      const response = await fetch(url('/api/console/changes'), { signal: controller.signal });
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      const readEvent = async () => new TextDecoder().decode((await reader.read()).value);

      const first = await readEvent();
      await uploadSample();
      const second = await readEvent();
      controller.abort();

      expect(response.headers.get('content-type')).toContain('text/event-stream');
      expect(first).toContain('event: change');
      expect(second).toContain('event: change');
      expect(second).not.toEqual(first);
    });
  });
});
