import { afterEach, describe, expect, it } from 'vitest';
import { InvalidFaultSpecError, parseFaultSpec, type SqsEvent, seededRandom } from '../index.ts';
import { IDLE, order, putAll, RuntimeHarness, routeOrders } from './support/harness.ts';

describe('Function: parseFaultSpec', () => {
  it('reads duplicate, fail and seed', () => {
    expect(parseFaultSpec('duplicate=0.3,fail=0.2,seed=7')).toEqual({
      duplicateRate: 0.3,
      failRate: 0.2,
      seed: 7,
    });
  });

  it('reads an empty spec as no faults', () => {
    expect(parseFaultSpec('')).toEqual({});
    expect(parseFaultSpec(' , ')).toEqual({});
  });

  it.each([
    ['an unknown key', 'explode=0.1'],
    ['a rate above 1', 'fail=1.5'],
    ['a rate that is not a number', 'duplicate=often'],
    ['a seed that is not an integer', 'seed=1.5'],
    ['a part without a value', 'fail'],
  ])('refuses %s', (_what, spec) => {
    expect(() => parseFaultSpec(spec)).toThrow(InvalidFaultSpecError);
  });
});

describe('Function: seededRandom', () => {
  it('repeats its sequence for the same seed', () => {
    const a = seededRandom(7);
    const b = seededRandom(7);
    const first = [a(), a(), a()];
    expect([b(), b(), b()]).toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });
});

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;

  afterEach(async () => {
    await h.dispose();
  });

  describe('Option: faults', () => {
    it('delivers every handler delivery, queue write and batch twice at duplicate=1', async () => {
      // Prepare
      h = await RuntimeHarness.create({ faults: { duplicateRate: 1, seed: 1 } });
      const handled: string[] = [];
      const batches: SqsEvent[] = [];
      h.rt.registerHandler('h', async (event) => {
        handled.push((event as { id: string }).id);
      });
      h.rt.registerHandler('consumer', async (event) => {
        batches.push(event as SqsEvent);
      });
      h.rt.createQueue({ name: 'Q' });
      h.rt.createEventSourceMapping({ queue: 'Q', handler: 'consumer' });
      h.rt.putRule({ name: 'R', eventPattern: { source: ['test.shop'] } });
      h.rt.putTargets({
        rule: 'R',
        targets: [
          { id: 'H', target: { kind: 'handler', name: 'h' } },
          { id: 'Q', target: { kind: 'queue', name: 'Q' } },
        ],
      });

      // Act
      const [id] = putAll(h.rt, [order(1)]);
      await h.rt.runUntilIdle(IDLE);

      // Assess: two queue messages, each batch handed over twice.
      expect(handled).toEqual([id, id]);
      const ids = batches.flatMap((b) => b.Records.map((r) => JSON.parse(r.body).id));
      expect(ids).toEqual([id, id, id, id]);
    });

    it('fails every handler run before the handler at fail=1, so the event is dead-lettered', async () => {
      // Prepare
      h = await RuntimeHarness.create({ faults: { failRate: 1, seed: 1 } });
      let ran = 0;
      h.rt.registerHandler('h', async () => {
        ran += 1;
      });
      h.rt.createQueue({ name: 'DLQ' });
      routeOrders(h.rt, {
        id: 'H',
        target: { kind: 'handler', name: 'h' },
        deadLetterQueue: 'DLQ',
      });

      // Act
      putAll(h.rt, [order(1)]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(ran).toBe(0);
      expect(h.rt.peekMessages('DLQ')[0]?.attributes).toMatchObject({
        ERROR_MESSAGE: 'Injected fault: h failed before it ran',
        RETRY_ATTEMPTS: '2',
      });
    });

    it('reads TXNFLOW_FAULTS when no faults are given', async () => {
      // Prepare
      h = await RuntimeHarness.create({ env: { TXNFLOW_FAULTS: 'duplicate=1,seed=3' } });
      let calls = 0;
      h.rt.registerHandler('h', async () => {
        calls += 1;
      });
      routeOrders(h.rt, { id: 'H', target: { kind: 'handler', name: 'h' } });

      // Act
      putAll(h.rt, [order(1)]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(calls).toBe(2);
    });

    it('strikes the same deliveries for the same seed', async () => {
      // Prepare
      const failedOrders = async () => {
        const run = await RuntimeHarness.create({
          faults: { failRate: 0.5, seed: 42 },
          retry: { maxAttempts: 1, baseDelayMs: 1, maxDelayMs: 1 },
          maxConcurrentDeliveries: 1,
        });
        try {
          run.rt.registerHandler('h', async () => {});
          routeOrders(run.rt, { id: 'H', target: { kind: 'handler', name: 'h' } });
          const ids = putAll(
            run.rt,
            Array.from({ length: 40 }, (_, i) => order(i)),
          );
          await run.rt.runUntilIdle(IDLE);
          const failed = new Set(run.rt.listFailedDeliveries().map((f) => f.eventId));
          return ids.map((id) => failed.has(id));
        } finally {
          await run.dispose();
        }
      };
      h = await RuntimeHarness.create();

      // Act
      const first = await failedOrders();
      const second = await failedOrders();

      // Assess
      expect(first).toEqual(second);
      expect(first.filter(Boolean).length).toBeGreaterThan(5);
      expect(first.filter(Boolean).length).toBeLessThan(35);
    });

    it('refuses an invalid TXNFLOW_FAULTS', async () => {
      h = await RuntimeHarness.create();
      expect(() => h.reopen({ env: { TXNFLOW_FAULTS: 'fail=2' } })).toThrow(InvalidFaultSpecError);
      h.reopen({ env: {} });
    });
  });
});
