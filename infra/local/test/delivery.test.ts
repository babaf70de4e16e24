import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DeliveryErrorCode, ExhaustedRetryCondition, ManualClock } from '../index.ts';
import { IDLE, orderPlaced, RuntimeHarness, routeOrders } from './support/harness.ts';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;
  let clock: ManualClock;

  beforeEach(async () => {
    clock = new ManualClock('2024-03-01T12:00:00.000Z');
    h = await RuntimeHarness.create({
      clock,
      retry: { maxAttempts: 3, baseDelayMs: 40, maxDelayMs: 1000 },
    });
  });

  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: runUntilIdle (delivery to handlers)', () => {
    it('retries a failing handler with exponential backoff and delivers on a later attempt', async () => {
      // Prepare
      const attempts: { attempt: number; at: number }[] = [];
      h.rt.registerHandler('flaky', async (_event, context) => {
        attempts.push({ attempt: context.attempt, at: clock.now() });
        if (context.attempt < 3) throw new Error(`not yet (${context.attempt})`);
      });
      routeOrders(h.rt, { id: 'Flaky', target: { kind: 'handler', name: 'flaky' } });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess: equal jitter waits half of 40 ms and up to all of it, then the same of 80 ms.
      expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
      const [first, second, third] = attempts.map((a) => a.at) as [number, number, number];
      expect(second - first).toBeGreaterThanOrEqual(20);
      expect(second - first).toBeLessThanOrEqual(40);
      expect(third - second).toBeGreaterThanOrEqual(40);
      expect(third - second).toBeLessThanOrEqual(80);
      expect(h.rt.listFailedDeliveries()).toEqual([]);
    });

    it('sends the event to the dead-letter queue after the last attempt, with EventBridge attributes', async () => {
      // Prepare
      let calls = 0;
      h.rt.registerHandler('broken', async () => {
        calls += 1;
        throw new Error('database is down');
      });
      h.rt.createQueue({ name: 'OrdersDLQ' });
      routeOrders(h.rt, {
        id: 'Broken',
        target: { kind: 'handler', name: 'broken' },
        deadLetterQueue: 'OrdersDLQ',
      });

      // Act
      const [entry] = h.rt.putEvents([orderPlaced()]).Entries;
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(calls).toBe(3);
      const [message, ...more] = h.rt.peekMessages('OrdersDLQ');
      expect(more).toEqual([]);
      expect(JSON.parse(message?.body ?? '{}')).toMatchObject({
        id: entry && 'EventId' in entry ? entry.EventId : 'missing',
        detail: { orderId: 'o-1' },
      });
      expect(message?.attributes).toEqual({
        RULE_ARN: 'arn:aws:events:local-1:000000000000:rule/Orders',
        TARGET_ARN: 'arn:aws:lambda:local-1:000000000000:function:broken',
        ERROR_CODE: DeliveryErrorCode.HandlerError,
        ERROR_MESSAGE: 'database is down',
        EXHAUSTED_RETRY_CONDITION: ExhaustedRetryCondition.MaximumRetryAttempts,
        RETRY_ATTEMPTS: '2',
      });
      expect(message?.errorMessage).toBe('database is down');
    });

    it('keeps a delivery that used every attempt and has no dead-letter queue as failed, never dropped', async () => {
      // Prepare
      h.rt.registerHandler('broken', async () => {
        throw new Error('nope');
      });
      routeOrders(h.rt, { id: 'Broken', target: { kind: 'handler', name: 'broken' } });

      // Act
      const [entry] = h.rt.putEvents([orderPlaced()]).Entries;
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(h.rt.listFailedDeliveries()).toEqual([
        {
          deliveryId: expect.any(Number),
          eventId: entry && 'EventId' in entry ? entry.EventId : 'missing',
          rule: 'Orders',
          target: 'Broken',
          attempts: 3,
          error: 'nope',
        },
      ]);
    });

    it('follows the target retry policy over the runtime default', async () => {
      // Prepare
      let calls = 0;
      h.rt.registerHandler('broken', async () => {
        calls += 1;
        throw new Error('nope');
      });
      routeOrders(h.rt, {
        id: 'Broken',
        target: { kind: 'handler', name: 'broken' },
        retryPolicy: { maximumRetryAttempts: 0 },
      });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(calls).toBe(1);
      expect(h.rt.listFailedDeliveries()).toHaveLength(1);
    });

    it('stops retrying an event older than maximumEventAgeSeconds', async () => {
      // Prepare
      h.rt.createQueue({ name: 'DLQ' });
      h.rt.registerHandler('broken', async () => {
        throw new Error('slow and broken');
      });
      routeOrders(h.rt, {
        id: 'Broken',
        target: { kind: 'handler', name: 'broken' },
        retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeSeconds: 60 },
        deadLetterQueue: 'DLQ',
      });

      // Act: the event is two minutes old by the time its first attempt fails.
      h.rt.putEvents([orderPlaced()]);
      clock.advance(120_000);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(h.rt.peekMessages('DLQ')[0]?.attributes).toMatchObject({
        EXHAUSTED_RETRY_CONDITION: 'MaximumEventAgeInSeconds',
        RETRY_ATTEMPTS: '0',
      });
    });

    // "For errors that result from missing permissions to a target, or a target resource that
    // no longer exists, ... EventBridge sends these events directly to the DLQ" (Event retry
    // policy and using dead-letter queues), with ERROR_CODE NO_RESOURCE.
    it('dead-letters a delivery to a queue that does not exist at once, without retries', async () => {
      // Prepare
      h.rt.createQueue({ name: 'DLQ' });
      routeOrders(h.rt, {
        id: 'Missing',
        target: { kind: 'queue', name: 'NoSuchQueue' },
        retryPolicy: { maximumRetryAttempts: 10 },
        deadLetterQueue: 'DLQ',
      });
      const putAt = clock.now();

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const attributes = h.rt.peekMessages('DLQ')[0]?.attributes;
      expect(attributes).toMatchObject({
        ERROR_CODE: 'NO_RESOURCE',
        ERROR_MESSAGE: 'Queue NoSuchQueue does not exist.',
        RETRY_ATTEMPTS: '0',
      });
      expect(attributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
      expect(clock.now()).toBe(putAt);
    });

    it('dead-letters a delivery to a topic that does not exist at once, without retries', async () => {
      // Prepare
      h.rt.createQueue({ name: 'DLQ' });
      routeOrders(h.rt, {
        id: 'Missing',
        target: { kind: 'topic', name: 'NoSuchTopic' },
        deadLetterQueue: 'DLQ',
      });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(h.rt.peekMessages('DLQ')[0]?.attributes).toMatchObject({
        ERROR_CODE: 'NO_RESOURCE',
        RETRY_ATTEMPTS: '0',
      });
    });

    it('keeps a delivery to a missing queue without a DLQ as failed after one attempt', async () => {
      // Prepare
      routeOrders(h.rt, { id: 'Missing', target: { kind: 'queue', name: 'NoSuchQueue' } });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(h.rt.listFailedDeliveries()).toEqual([
        expect.objectContaining({ attempts: 1, error: 'Queue NoSuchQueue does not exist.' }),
      ]);
    });

    it('hands each handler call its own copy of the event, with a fresh request id', async () => {
      // Prepare
      const contexts: { functionName: string; awsRequestId: string; attempt: number }[] = [];
      h.rt.registerHandler('mutator', async (event, context) => {
        contexts.push(context);
        (event as { detail: { orderId: string } }).detail.orderId = 'changed';
      });
      h.rt.putRule({ name: 'R', eventPattern: { source: ['test.shop'] } });
      h.rt.putTargets({
        rule: 'R',
        targets: [
          { id: 'A', target: { kind: 'handler', name: 'mutator' } },
          { id: 'B', target: { kind: 'handler', name: 'mutator' } },
        ],
      });
      h.rt.createQueue({ name: 'Copy' });
      h.rt.putTargets({
        rule: 'R',
        targets: [{ id: 'C', target: { kind: 'queue', name: 'Copy' } }],
      });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(contexts).toHaveLength(2);
      expect(contexts[0]?.functionName).toBe('mutator');
      expect(contexts[0]?.awsRequestId).not.toBe(contexts[1]?.awsRequestId);
      expect(JSON.parse(h.rt.peekMessages('Copy')[0]?.body ?? '{}').detail.orderId).toBe('o-1');
    });

    it('holds deliveries for a handler not registered yet, and delivers them once it is', async () => {
      // Prepare
      routeOrders(h.rt, { id: 'Late', target: { kind: 'handler', name: 'late' } });
      h.rt.putEvents([orderPlaced()]);
      const early = await h.rt.runUntilIdle({ timeoutMs: 100 }).catch((error: Error) => error);
      const seen: unknown[] = [];

      // Act
      h.rt.registerHandler('late', async (event) => {
        seen.push(event);
      });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(early).toBeInstanceOf(Error);
      expect((early as Error).message).toMatch(/waiting for handler late to be registered/);
      expect(seen).toHaveLength(1);
    });
  });
});
