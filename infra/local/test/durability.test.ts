import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IDLE, order, putAll, RuntimeHarness, routeOrders } from './support/harness.ts';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;

  beforeEach(async () => {
    h = await RuntimeHarness.create();
  });

  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: open', () => {
    it('keeps buses, rules, targets, queues, topics, buckets and archives across close and reopen', async () => {
      // Prepare
      h.rt.createEventBus({ name: 'shop' });
      h.rt.createQueue({ name: 'Orders' });
      h.rt.createTopic({ name: 'Alerts' });
      h.rt.subscribe({
        topic: 'Alerts',
        protocol: 'sqs',
        queue: 'Orders',
        rawMessageDelivery: true,
      });
      h.rt.createBucket({ name: 'uploads' });
      await h.rt.putObject({ bucket: 'uploads', key: 'k', body: 'kept' });
      h.rt.createArchive({ name: 'all', eventBusName: 'shop' });
      routeOrders(h.rt, { id: 'Q', target: { kind: 'queue', name: 'Orders' } }, 'shop');
      putAll(h.rt, [order(1, { EventBusName: 'shop' })]);
      await h.rt.runUntilIdle(IDLE);

      // Act
      const rt = h.reopen();
      putAll(rt, [order(2, { EventBusName: 'shop' })]);
      rt.publish({ topic: 'Alerts', message: 'raw' });
      await rt.runUntilIdle(IDLE);

      // Assess
      const bodies = rt.peekMessages('Orders').map((m) => m.body);
      const orderIds = bodies.map((b) => (b.startsWith('{') ? JSON.parse(b).detail.orderId : b));
      expect(orderIds.sort()).toEqual(['o-1', 'o-2', 'raw']);
      expect(rt.listArchivedEvents({ archive: 'all' })).toHaveLength(2);
      expect(rt.listObjects({ bucket: 'uploads' }).map((o) => o.key)).toEqual(['k']);
      expect(rt.listRules('shop').map((r) => r.name)).toEqual(['Orders']);
    });

    it('delivers after a reopen what was put but not delivered before the close', async () => {
      // Prepare
      routeOrders(h.rt, { id: 'H', target: { kind: 'handler', name: 'recorder' } });
      const ids = putAll(
        h.rt,
        Array.from({ length: 50 }, (_, i) => order(i)),
      );

      // Act: closed before any turn ran; the handler is registered only in the new process.
      const rt = h.reopen();
      const seen: string[] = [];
      rt.registerHandler('recorder', async (event) => {
        seen.push((event as { id: string }).id);
      });
      await rt.runUntilIdle(IDLE);

      // Assess
      expect(seen.sort()).toEqual([...ids].sort());
    });

    it('keeps a pending retry across a reopen, with its attempt count and its time', async () => {
      // Prepare
      const attempts: { attempt: number; at: number }[] = [];
      let healthy = false;
      const register = () =>
        h.rt.registerHandler('flaky', async (_event, context) => {
          attempts.push({ attempt: context.attempt, at: h.clock.now() });
          if (!healthy) throw new Error('down');
        });
      register();
      routeOrders(h.rt, { id: 'F', target: { kind: 'handler', name: 'flaky' } });
      h.reopen({ retry: { maxAttempts: 5, baseDelayMs: 10_000, maxDelayMs: 10_000 } });
      register();
      putAll(h.rt, [order(1)]);
      // Until only the retry is left (the wait gives up 1 ms later, on the test clock).
      await expect(h.rt.runUntilIdle({ timeoutMs: 1 })).rejects.toThrow(/waiting to retry/);

      // Act
      healthy = true;
      h.reopen({ retry: { maxAttempts: 5, baseDelayMs: 5, maxDelayMs: 5 } });
      register();
      const early = await h.rt.runUntilIdle({ timeoutMs: 200 }).catch((e: Error) => e);
      await h.rt.runUntilIdle({ timeoutMs: 60_000 });

      // Assess: the stored retry time (5 to 10 s away) still held after the restart.
      expect(early).toBeInstanceOf(Error);
      expect((early as Error).message).toMatch(/waiting to retry/);
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2]);
      const [first, second] = attempts.map((a) => a.at) as [number, number];
      expect(second - first).toBeGreaterThanOrEqual(5_000);
      expect(second - first).toBeLessThanOrEqual(10_000);
    });

    it('makes a message received before the process stopped visible again at once', async () => {
      // Prepare
      h.rt.createQueue({ name: 'Jobs', visibilityTimeoutSeconds: 3600 });
      h.rt.sendMessage({ queue: 'Jobs', body: 'job' });
      h.rt.receiveMessages({ queue: 'Jobs' });

      // Act
      const rt = h.reopen();
      const received = rt.receiveMessages({ queue: 'Jobs' });

      // Assess
      expect(received.map((m) => [m.body, m.attributes.ApproximateReceiveCount])).toEqual([
        ['job', '2'],
      ]);
    });
  });
});
