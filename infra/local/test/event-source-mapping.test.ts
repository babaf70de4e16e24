import { createHash } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqsEvent } from '../index.ts';
import { IDLE, order, putAll, RuntimeHarness, routeOrders } from './support/harness.ts';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;
  const batches: SqsEvent[] = [];

  beforeEach(async () => {
    h = await RuntimeHarness.create();
    batches.length = 0;
    h.rt.createQueue({ name: 'OrdersDLQ' });
    h.rt.createQueue({
      name: 'Orders',
      visibilityTimeoutSeconds: 0.05,
      redrivePolicy: { deadLetterQueue: 'OrdersDLQ', maxReceiveCount: 3 },
    });
  });

  afterEach(async () => {
    await h.dispose();
  });

  const bodies = (event: SqsEvent) => event.Records.map((r) => r.body);

  describe('Method: createEventSourceMapping', () => {
    it('hands the queue to the handler in batches, in the Lambda SQS event shape', async () => {
      // Prepare
      h.rt.registerHandler('consumer', async (event) => {
        batches.push(event as SqsEvent);
        return { batchItemFailures: [] };
      });
      for (let i = 0; i < 7; i += 1) {
        h.rt.sendMessage({ queue: 'Orders', body: `m${i}`, attributes: { n: String(i) } });
      }

      // Act
      h.rt.createEventSourceMapping({ queue: 'Orders', handler: 'consumer', batchSize: 3 });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(batches.map((b) => b.Records.length).sort()).toEqual([1, 3, 3]);
      expect(batches.flatMap(bodies).sort()).toEqual(['m0', 'm1', 'm2', 'm3', 'm4', 'm5', 'm6']);
      const record = batches.flatMap((b) => b.Records).find((r) => r.body === 'm0');
      expect(record).toEqual({
        messageId: expect.any(String),
        receiptHandle: expect.any(String),
        body: 'm0',
        attributes: {
          ApproximateReceiveCount: '1',
          SentTimestamp: expect.stringMatching(/^\d+$/),
          SenderId: '000000000000',
          ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
        },
        messageAttributes: {
          n: { stringValue: '0', stringListValues: [], binaryListValues: [], dataType: 'String' },
        },
        md5OfBody: createHash('md5').update('m0').digest('hex'),
        eventSource: 'aws:sqs',
        eventSourceARN: 'arn:aws:sqs:local-1:000000000000:Orders',
        awsRegion: 'local-1',
      });
      expect(h.rt.peekMessages('Orders')).toEqual([]);
    });

    it('keeps only the items reported in batchItemFailures, and retries them after the visibility timeout', async () => {
      // Prepare
      const attemptsOf = new Map<string, string[]>();
      h.rt.registerHandler('consumer', async (event) => {
        const { Records } = event as SqsEvent;
        for (const r of Records) {
          attemptsOf.set(r.body, [
            ...(attemptsOf.get(r.body) ?? []),
            r.attributes.ApproximateReceiveCount,
          ]);
        }
        const failing = Records.filter(
          (r) => r.body === 'bad' && r.attributes.ApproximateReceiveCount === '1',
        );
        return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
      });
      for (const body of ['good', 'bad', 'fine']) h.rt.sendMessage({ queue: 'Orders', body });

      // Act
      h.rt.createEventSourceMapping({ queue: 'Orders', handler: 'consumer', batchSize: 10 });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(Object.fromEntries(attemptsOf)).toEqual({ good: ['1'], bad: ['1', '2'], fine: ['1'] });
      expect(h.rt.peekMessages('Orders')).toEqual([]);
      expect(h.rt.peekMessages('OrdersDLQ')).toEqual([]);
    });

    it('retries a failed item when its handler set its visibility, not after the queue timeout', async () => {
      // Prepare: an hour's timeout, which the handler shortens to nothing for its failure.
      h.rt.createQueue({ name: 'Slow', visibilityTimeoutSeconds: 3_600 });
      const receives: string[] = [];
      h.rt.registerHandler('consumer', async (event) => {
        const { Records } = event as SqsEvent;
        const failing = Records.filter((r) => r.attributes.ApproximateReceiveCount === '1');
        for (const r of Records) receives.push(r.attributes.ApproximateReceiveCount);
        for (const r of failing) {
          h.rt.handlerCalls.changeMessageVisibility({
            queue: 'Slow',
            receiptHandle: r.receiptHandle,
            visibilityTimeoutSeconds: 0,
          });
        }
        return { batchItemFailures: failing.map((r) => ({ itemIdentifier: r.messageId })) };
      });
      h.rt.sendMessage({ queue: 'Slow', body: 'flaky' });

      // Act
      h.rt.createEventSourceMapping({ queue: 'Slow', handler: 'consumer', batchSize: 10 });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(receives).toEqual(['1', '2']);
      expect(h.rt.peekMessages('Slow')).toEqual([]);
    });

    it('keeps the whole batch when the handler throws', async () => {
      // Prepare
      let calls = 0;
      h.rt.registerHandler('consumer', async (event) => {
        calls += 1;
        batches.push(event as SqsEvent);
        if (calls === 1) throw new Error('transient');
        return {};
      });
      for (const body of ['a', 'b']) h.rt.sendMessage({ queue: 'Orders', body });

      // Act
      h.rt.createEventSourceMapping({ queue: 'Orders', handler: 'consumer' });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const received = batches.flatMap((b) =>
        b.Records.map((r) => [r.body, r.attributes.ApproximateReceiveCount]),
      );
      expect(received.sort()).toEqual([
        ['a', '1'],
        ['a', '2'],
        ['b', '1'],
        ['b', '2'],
      ]);
    });

    it('sends a message that keeps failing to the dead-letter queue after maxReceiveCount, with the last error', async () => {
      // Prepare
      h.rt.registerHandler('consumer', async (event) => {
        const { Records } = event as SqsEvent;
        return {
          batchItemFailures: Records.filter((r) => r.body === 'poison').map((r) => ({
            itemIdentifier: r.messageId,
          })),
        };
      });
      h.rt.sendMessage({ queue: 'Orders', body: 'poison' });
      h.rt.sendMessage({ queue: 'Orders', body: 'fine' });

      // Act
      h.rt.createEventSourceMapping({ queue: 'Orders', handler: 'consumer' });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(h.rt.peekMessages('Orders')).toEqual([]);
      expect(h.rt.peekMessages('OrdersDLQ')).toEqual([
        expect.objectContaining({
          body: 'poison',
          receiveCount: 0,
          errorMessage:
            'moved from Orders after 3 receives; last error: reported in batchItemFailures',
        }),
      ]);
    });

    it('fails the whole batch when batchItemFailures names a message not in it', async () => {
      // Prepare
      let calls = 0;
      h.rt.registerHandler('consumer', async () => {
        calls += 1;
        return calls === 1 ? { batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] } : {};
      });
      h.rt.sendMessage({ queue: 'Orders', body: 'x' });

      // Act
      h.rt.createEventSourceMapping({ queue: 'Orders', handler: 'consumer' });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(calls).toBe(2);
    });

    it('ignores the answer when reportBatchItemFailures is off', async () => {
      // Prepare
      let calls = 0;
      h.rt.registerHandler('consumer', async (event) => {
        calls += 1;
        const [record] = (event as SqsEvent).Records;
        return { batchItemFailures: [{ itemIdentifier: record?.messageId }] };
      });
      h.rt.sendMessage({ queue: 'Orders', body: 'x' });

      // Act
      h.rt.createEventSourceMapping({
        queue: 'Orders',
        handler: 'consumer',
        reportBatchItemFailures: false,
      });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(calls).toBe(1);
      expect(h.rt.peekMessages('Orders')).toEqual([]);
    });

    it('consumes what a rule sends to the queue: the event JSON as the body', async () => {
      // Prepare
      h.rt.registerHandler('consumer', async (event) => {
        batches.push(event as SqsEvent);
      });
      routeOrders(h.rt, { id: 'ToQueue', target: { kind: 'queue', name: 'Orders' } });
      h.rt.createEventSourceMapping({ queue: 'Orders', handler: 'consumer', batchSize: 10 });

      // Act
      const ids = putAll(
        h.rt,
        Array.from({ length: 25 }, (_, i) => order(i)),
      );
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const events = batches.flatMap((b) => b.Records.map((r) => JSON.parse(r.body)));
      expect(events.map((e) => e.id).sort()).toEqual([...ids].sort());
      expect(events[0]).toMatchObject({ source: 'test.shop', 'detail-type': 'OrderPlaced' });
    });

    it('waits for its handler to be registered', async () => {
      // Prepare
      h.rt.createEventSourceMapping({ queue: 'Orders', handler: 'later' });
      h.rt.sendMessage({ queue: 'Orders', body: 'x' });
      const early = await h.rt.runUntilIdle({ timeoutMs: 100 }).catch((error: Error) => error);

      // Act
      h.rt.registerHandler('later', async (event) => {
        batches.push(event as SqsEvent);
      });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect((early as Error).message).toMatch(
        /queue Orders: 1 messages.*handler later is not registered/,
      );
      expect(batches.flatMap(bodies)).toEqual(['x']);
    });
  });
});
