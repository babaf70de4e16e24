import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { IdleTimeoutError, RuntimeClosedError } from '../index.ts';
import { IDLE, orderPlaced, RuntimeHarness, routeOrders } from './support/harness.ts';

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
        await new Promise((resolve) => setTimeout(resolve, 5));
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
      h.rt.registerHandler('slow', () => new Promise((resolve) => setTimeout(resolve, 500)));
      routeOrders(h.rt, { id: 'Slow', target: { kind: 'handler', name: 'slow' } });
      h.rt.createQueue({ name: 'Unconsumed' });
      h.rt.createEventSourceMapping({ queue: 'Unconsumed', handler: 'missing' });
      h.rt.sendMessage({ queue: 'Unconsumed', body: 'x' });
      h.rt.putEvents([orderPlaced()]);

      // Act
      const error = await h.rt.runUntilIdle({ timeoutMs: 100 }).catch((e: unknown) => e);

      // Assess
      expect(error).toBeInstanceOf(IdleTimeoutError);
      expect((error as IdleTimeoutError).timeoutMs).toBe(100);
      expect((error as IdleTimeoutError).pending).toEqual([
        '1 handler deliveries in flight',
        'queue Unconsumed: 1 messages, 0 batches in flight to missing (handler missing is not registered)',
      ]);
    });

    it('waits for a retry to wait out its backoff', async () => {
      // Prepare
      let calls = 0;
      h.rt.registerHandler('once-failing', async () => {
        calls += 1;
        if (calls === 1) throw new Error('first time');
      });
      routeOrders(h.rt, { id: 'T', target: { kind: 'handler', name: 'once-failing' } });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(calls).toBe(2);
    });

    it('rejects once the runtime is closed', async () => {
      // Prepare
      h.rt.registerHandler('slow', () => new Promise((resolve) => setTimeout(resolve, 200)));
      routeOrders(h.rt, { id: 'Slow', target: { kind: 'handler', name: 'slow' } });
      h.rt.putEvents([orderPlaced()]);
      const waiting = h.rt.runUntilIdle(IDLE);

      // Act
      h.rt.close();

      // Assess
      await expect(waiting).rejects.toThrow(RuntimeClosedError);
      await expect(h.rt.runUntilIdle(IDLE)).rejects.toThrow(RuntimeClosedError);
      expect(() => h.rt.putEvents([orderPlaced()])).toThrow(RuntimeClosedError);
    });
  });
});
