import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdleTimeoutError, RuntimeClosedError } from '../index.ts';
import { IDLE, orderPlaced, RuntimeHarness, routeOrders } from './support/harness.ts';

/** A handler that stays in flight until the test releases it; `started` says it was called. */
function heldHandler() {
  let release = () => {};
  let started = () => {};
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const handler = () =>
    new Promise<void>((resolve) => {
      release = resolve;
      started();
    });
  return { handler, running, release: () => release() };
}

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;

  beforeEach(async () => {
    h = await RuntimeHarness.create();
  });

  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: runUntilIdle', () => {
    it('resolves at once when there is nothing to do', async () => {
      await expect(h.rt.runUntilIdle({ timeoutMs: 1000 })).resolves.toBeUndefined();
    });

    it('waits for work that handlers start themselves', async () => {
      // Prepare: each event publishes the next, five deep.
      const depths: number[] = [];
      h.rt.registerHandler('chain', async (event) => {
        const { depth } = (event as { detail: { depth: number } }).detail;
        depths.push(depth);
        await new Promise((resolve) => setImmediate(resolve));
        if (depth < 5)
          h.rt.putEvents([orderPlaced({ Detail: JSON.stringify({ depth: depth + 1 }) })]);
      });
      routeOrders(h.rt, { id: 'Chain', target: { kind: 'handler', name: 'chain' } });

      // Act
      h.rt.putEvents([orderPlaced({ Detail: '{"depth":1}' })]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(depths).toEqual([1, 2, 3, 4, 5]);
    });

    it('rejects with a typed timeout error that lists what is still pending', async () => {
      // Prepare
      const slow = heldHandler();
      h.rt.registerHandler('slow', slow.handler);
      routeOrders(h.rt, { id: 'Slow', target: { kind: 'handler', name: 'slow' } });
      h.rt.createQueue({ name: 'Unconsumed' });
      h.rt.createEventSourceMapping({ queue: 'Unconsumed', handler: 'missing' });
      h.rt.sendMessage({ queue: 'Unconsumed', body: 'x' });
      h.rt.putEvents([orderPlaced()]);

      // Act: the handler is still running when 100 ms have passed.
      let settled = false;
      const waiting = h.rt
        .runUntilIdle({ timeoutMs: 100 })
        .catch((e: unknown) => e)
        .finally(() => {
          settled = true;
        });
      await slow.running;
      h.clock.advance(99);
      await new Promise((resolve) => setImmediate(resolve));
      const settledEarly = settled;
      h.clock.advance(1);
      const error = await waiting;
      slow.release();

      // Assess
      expect(settledEarly).toBe(false);
      expect(error).toBeInstanceOf(IdleTimeoutError);
      expect((error as IdleTimeoutError).timeoutMs).toBe(100);
      expect((error as IdleTimeoutError).pending).toEqual([
        '1 handler deliveries in flight',
        'queue Unconsumed: 1 messages, 0 batches in flight to missing (handler missing is not registered)',
      ]);
    });

    it('waits for a retry to wait out its backoff', async () => {
      // Prepare
      const calledAt: number[] = [];
      h.rt.registerHandler('once-failing', async () => {
        calledAt.push(h.clock.now());
        if (calledAt.length === 1) throw new Error('first time');
      });
      routeOrders(h.rt, { id: 'T', target: { kind: 'handler', name: 'once-failing' } });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess: the first backoff is 5 ms with equal jitter, so 3 to 5 ms (rounded).
      expect(calledAt).toHaveLength(2);
      const [first = 0, second = 0] = calledAt;
      expect(second - first).toBeGreaterThanOrEqual(3);
      expect(second - first).toBeLessThanOrEqual(5);
    });

    it('rejects once the runtime is closed', async () => {
      // Prepare
      const slow = heldHandler();
      h.rt.registerHandler('slow', slow.handler);
      routeOrders(h.rt, { id: 'Slow', target: { kind: 'handler', name: 'slow' } });
      h.rt.putEvents([orderPlaced()]);
      const waiting = h.rt.runUntilIdle(IDLE);
      await slow.running;

      // Act
      h.rt.close();
      slow.release();

      // Assess
      await expect(waiting).rejects.toThrow(RuntimeClosedError);
      await expect(h.rt.runUntilIdle(IDLE)).rejects.toThrow(RuntimeClosedError);
      expect(() => h.rt.putEvents([orderPlaced()])).toThrow(RuntimeClosedError);
    });
  });
});
