import { afterEach, describe, expect, it } from 'vitest';
import { createFaultInjector } from '../faults.ts';
import {
  type InjectedFault,
  InvalidFaultSpecError,
  parseFaultSpec,
  type SqsEvent,
  seededRandom,
} from '../index.ts';
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

describe('Function: createFaultInjector', () => {
  const subjects = (attempt: number) =>
    Array.from({ length: 2000 }, (_, i) => ({ target: 'rule/R/T', key: `order ${i}`, attempt }));

  it('decides from the seed and the subject alone, so asking again gives the same answer', () => {
    const faults = createFaultInjector({ failRate: 0.3, seed: 7 });
    const again = createFaultInjector({ failRate: 0.3, seed: 7 });

    const first = subjects(1).map((s) => faults.fail(s));

    expect(subjects(1).map((s) => faults.fail(s))).toEqual(first);
    expect(
      subjects(1)
        .reverse()
        .map((s) => again.fail(s))
        .reverse(),
    ).toEqual(first);
  });

  it('strikes about the given share, differently for another attempt or another seed', () => {
    const faults = createFaultInjector({ failRate: 0.3, duplicateRate: 0.1, seed: 7 });
    const share = (answers: boolean[]) => answers.filter(Boolean).length / answers.length;

    const firstAttempt = subjects(1).map((s) => faults.fail(s));
    const secondAttempt = subjects(2).map((s) => faults.fail(s));
    const otherSeed = subjects(1).map((s) =>
      createFaultInjector({ failRate: 0.3, seed: 8 }).fail(s),
    );

    expect(share(firstAttempt)).toBeCloseTo(0.3, 1);
    expect(share(subjects(1).map((s) => faults.duplicate(s)))).toBeCloseTo(0.1, 1);
    expect(secondAttempt).not.toEqual(firstAttempt);
    expect(otherSeed).not.toEqual(firstAttempt);
  });

  it('never strikes at rate 0 and always at rate 1', () => {
    const never = createFaultInjector({ seed: 1 });
    const always = createFaultInjector({ failRate: 1, duplicateRate: 1, seed: 1 });

    expect(never.enabled).toBe(false);
    expect(subjects(1).some((s) => never.fail(s) || never.duplicate(s))).toBe(false);
    expect(subjects(1).every((s) => always.fail(s) && always.duplicate(s))).toBe(true);
  });

  it('keys an event by source, detail-type and detail, a replay apart, and other text as itself', () => {
    const faults = createFaultInjector({ failRate: 0.5, seed: 1 });
    const event = { id: 'a', time: 't1', source: 's', 'detail-type': 'D', detail: { n: 1 } };
    const later = { ...event, id: 'b', time: 't2' };

    expect(faults.keyOf(event)).toBe(faults.keyOf(later));
    expect(faults.keyOf(JSON.stringify(event))).toBe(faults.keyOf(event));
    expect(faults.keyOf({ ...event, 'replay-name': 'r' })).not.toBe(faults.keyOf(event));
    expect(faults.keyOf('plain text')).toBe('plain text');
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

    it('strikes the same deliveries for the same seed, whatever order handlers finish in', async () => {
      // Prepare: one run hands events over one at a time; the other 16 at once, each handler
      // yielding to the event loop a random number of times, so they finish in any order.
      const run = async (concurrency: number, shuffled: boolean) => {
        const r = await RuntimeHarness.create({
          faults: { failRate: 0.5, seed: 42 },
          maxConcurrentDeliveries: concurrency,
        });
        try {
          const attempts: string[] = [];
          r.rt.registerHandler('h', async (event, context) => {
            attempts.push(
              `${(event as { detail: { orderId: string } }).detail.orderId}#${context.attempt}`,
            );
            const turns = shuffled ? Math.floor(Math.random() * 4) : 0;
            for (let turn = 0; turn < turns; turn += 1) {
              await new Promise((resolve) => setImmediate(resolve));
            }
          });
          routeOrders(r.rt, { id: 'H', target: { kind: 'handler', name: 'h' } });
          const ids = putAll(
            r.rt,
            Array.from({ length: 60 }, (_, i) => order(i)),
          );
          await r.rt.runUntilIdle(IDLE);
          const failed = new Set(r.rt.listFailedDeliveries().map((f) => f.eventId));
          return {
            handled: attempts.sort(),
            failed: ids.flatMap((id, i) => (failed.has(id) ? [i] : [])),
          };
        } finally {
          await r.dispose();
        }
      };
      h = await RuntimeHarness.create();

      // Act
      const oneAtATime = await run(1, false);
      const shuffled = await run(16, true);

      // Assess: the same attempts reached the handler, the same deliveries used them all up.
      expect(shuffled).toEqual(oneAtATime);
      expect(oneAtATime.failed.length).toBeGreaterThan(0);
      expect(oneAtATime.handled.some((a) => a.endsWith('#2'))).toBe(true);
    });

    it('dead-letters the same queue messages for the same seed, whatever batches they travel in', async () => {
      // Prepare
      const run = async (batchSize: number) => {
        const r = await RuntimeHarness.create({ faults: { failRate: 0.5, seed: 7 } });
        try {
          r.rt.createQueue({ name: 'DLQ' });
          r.rt.createQueue({
            name: 'Q',
            visibilityTimeoutSeconds: 1,
            redrivePolicy: { deadLetterQueue: 'DLQ', maxReceiveCount: 2 },
          });
          r.rt.registerHandler('consumer', async () => ({ batchItemFailures: [] }));
          r.rt.createEventSourceMapping({ queue: 'Q', handler: 'consumer', batchSize });
          for (let i = 0; i < 60; i += 1) r.rt.sendMessage({ queue: 'Q', body: `m${i}` });
          await r.rt.runUntilIdle(IDLE);
          const deadLettered = r.rt.peekMessages('DLQ').map((m) => m.body);
          // A redrive gives them another try: their receives count on, so do the decisions.
          r.rt.moveMessages({ from: 'DLQ' });
          await r.rt.runUntilIdle(IDLE);
          const afterRedrive = r.rt.peekMessages('DLQ').map((m) => m.body);
          return { deadLettered: deadLettered.sort(), afterRedrive: afterRedrive.sort() };
        } finally {
          await r.dispose();
        }
      };
      h = await RuntimeHarness.create();

      // Act
      const oneByOne = await run(1);
      const tenAtATime = await run(10);

      // Assess
      expect(tenAtATime).toEqual(oneByOne);
      expect(oneByOne.deadLettered.length).toBeGreaterThan(5);
      expect(oneByOne.deadLettered.length).toBeLessThan(30);
      expect(oneByOne.afterRedrive.length).toBeLessThan(oneByOne.deadLettered.length);
    });

    it('tells each fault as it strikes: kind, target, what was delivered and the attempt', async () => {
      // Prepare
      const struck: InjectedFault[] = [];
      h = await RuntimeHarness.create({
        faults: { failRate: 1, duplicateRate: 1, seed: 3, onFault: (f) => struck.push(f) },
        retry: { maxAttempts: 2, baseDelayMs: 1, maxDelayMs: 1 },
      });
      h.rt.registerHandler('h', async () => {});
      routeOrders(h.rt, { id: 'H', target: { kind: 'handler', name: 'h' } });

      // Act
      putAll(h.rt, [order(1)]);
      await h.rt.runUntilIdle(IDLE);

      // Assess: a failed attempt is not also handed over twice.
      const key = JSON.stringify(['test.shop', 'OrderPlaced', { orderId: 'o-1', amount: 1 }]);
      const target = 'arn:aws:events:local-1:000000000000:rule/Orders/H';
      expect(struck).toEqual([
        { kind: 'fail', target, key, attempt: 1 },
        { kind: 'fail', target, key, attempt: 2 },
      ]);
    });

    it('refuses an invalid TXNFLOW_FAULTS', async () => {
      h = await RuntimeHarness.create();
      expect(() => h.reopen({ env: { TXNFLOW_FAULTS: 'fail=2' } })).toThrow(InvalidFaultSpecError);
      h.reopen({ env: {} });
    });
  });
});
