import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqsEvent, StoredFact } from '../index.ts';
import { InvalidTraceSettingError, parseTraceSettings } from '../index.ts';
import { IDLE, order, putAll, RuntimeHarness, routeOrders } from './support/harness.ts';

/** The facts about the one event put, in the order they were recorded. */
function factsOf(h: RuntimeHarness, eventId: string): StoredFact[] {
  const reader = h.rt.traceReader();
  const [event] = reader.eventsContaining([`"id":"${eventId}"`]);
  if (!event) throw new Error(`no stored event ${eventId}`);
  return reader.facts({ eventSeqs: [event.seq], refs: [eventId] });
}

describe('Class: LocalRuntime, trace facts', () => {
  let h: RuntimeHarness;

  afterEach(async () => {
    await h.dispose();
  });

  describe('a rule with a handler target', () => {
    beforeEach(async () => {
      h = await RuntimeHarness.create({ retry: { maxAttempts: 3, baseDelayMs: 5, maxDelayMs: 5 } });
      h.rt.createQueue({ name: 'OrdersDLQ' });
    });

    it('records every attempt with its duration and error, the retry time, then the success', async () => {
      // Prepare
      let calls = 0;
      h.rt.registerHandler('billing', async () => {
        calls += 1;
        h.clock.advance(7);
        if (calls < 3) throw new Error(`billing is down (${calls})`);
      });
      routeOrders(h.rt, { id: 'T1', target: { kind: 'handler', name: 'billing' } });

      // Act
      const [id] = putAll(h.rt, [order(1)]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const attempts = factsOf(h, id ?? '').filter((f) => f.kind === 'attempt');
      expect(attempts).toEqual([
        expect.objectContaining({
          attempt: 1,
          rule: 'Orders',
          target: 'T1',
          destination: 'billing',
          durationMs: 7,
          outcome: 'failed',
          error: 'billing is down (1)',
          retryAt: expect.any(Number),
        }),
        expect.objectContaining({ attempt: 2, outcome: 'failed', error: 'billing is down (2)' }),
        expect.objectContaining({ attempt: 3, outcome: 'ok', durationMs: 7 }),
      ]);
    });

    it('records the last failed attempt and the dead letter it became', async () => {
      // Prepare
      h.rt.registerHandler('billing', async () => {
        throw new Error('no such customer');
      });
      routeOrders(h.rt, {
        id: 'T1',
        target: { kind: 'handler', name: 'billing' },
        deadLetterQueue: 'OrdersDLQ',
      });

      // Act
      const [id] = putAll(h.rt, [order(1)]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const facts = factsOf(h, id ?? '');
      const [dlqMessage] = h.rt.peekMessages('OrdersDLQ');
      expect(facts.map((f) => f.kind)).toEqual(['attempt', 'attempt', 'attempt', 'dead-lettered']);
      expect(facts[3]).toMatchObject({
        queue: 'OrdersDLQ',
        messageId: dlqMessage?.messageId,
        error: 'no such customer',
        attempts: 3,
        exhausted: 'MaximumRetryAttempts',
      });
    });
  });

  describe('a rule with a queue target and an event source mapping', () => {
    beforeEach(async () => {
      h = await RuntimeHarness.create();
      h.rt.createQueue({ name: 'OrdersDLQ' });
      h.rt.createQueue({
        name: 'Orders',
        visibilityTimeoutSeconds: 1,
        redrivePolicy: { deadLetterQueue: 'OrdersDLQ', maxReceiveCount: 2 },
      });
      routeOrders(h.rt, { id: 'ToQueue', target: { kind: 'queue', name: 'Orders' } });
    });

    it('records the message sent, each receive in its batch, the move to the DLQ and the redrive', async () => {
      // Prepare: the handler reports the message failed until it has been redriven.
      let redriven = false;
      h.rt.registerHandler('consumer', async (event) => {
        const { Records } = event as SqsEvent;
        return redriven
          ? {}
          : { batchItemFailures: Records.map((r) => ({ itemIdentifier: r.messageId })) };
      });
      h.rt.createEventSourceMapping({ queue: 'Orders', handler: 'consumer', batchSize: 10 });
      const [id] = putAll(h.rt, [order(1)]);
      await h.rt.runUntilIdle(IDLE);

      // Act
      redriven = true;
      h.rt.moveMessages({ from: 'OrdersDLQ' });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const facts = factsOf(h, id ?? '');
      const sent = facts.find((f) => f.kind === 'sent');
      const messageId = sent?.kind === 'sent' ? sent.messageIds[0] : undefined;
      expect(sent).toMatchObject({ rule: 'Orders', target: 'ToQueue', queue: 'Orders' });
      expect(facts.map((f) => f.kind)).toEqual([
        'sent',
        'receive',
        'receive',
        'moved-to-dlq',
        'redriven',
        'receive',
      ]);
      expect(facts.filter((f) => f.kind === 'receive')).toEqual([
        expect.objectContaining({
          messageId,
          receiveCount: 1,
          outcome: 'failed',
          error: 'reported in batchItemFailures',
        }),
        expect.objectContaining({ messageId, receiveCount: 2, outcome: 'failed' }),
        expect.objectContaining({ messageId, receiveCount: 1, outcome: 'ok' }),
      ]);
      expect(facts.find((f) => f.kind === 'moved-to-dlq')).toMatchObject({
        from: 'Orders',
        to: 'OrdersDLQ',
        messageId,
        receives: 2,
      });
      expect(facts.find((f) => f.kind === 'redriven')).toMatchObject({
        from: 'OrdersDLQ',
        to: 'Orders',
        messageId,
      });
      const lastReceive = facts.at(-1);
      const batchId = lastReceive?.kind === 'receive' ? lastReceive.batchId : '';
      expect(h.rt.traceReader().facts({ refs: [batchId] })).toEqual([
        expect.objectContaining({
          kind: 'batch',
          queue: 'Orders',
          handler: 'consumer',
          size: 1,
          failed: 0,
        }),
      ]);
    });

    it("keeps a batch's receives and a turn's messages sent in a row each, and reads back one fact per event", async () => {
      // Prepare: one message of the batch fails, the others are taken.
      let first = true;
      h.rt.registerHandler('consumer', async (event) => {
        const { Records } = event as SqsEvent;
        const failed = first ? [{ itemIdentifier: Records[1]?.messageId ?? '' }] : [];
        first = false;
        return { batchItemFailures: failed };
      });
      h.rt.createEventSourceMapping({ queue: 'Orders', handler: 'consumer', batchSize: 10 });

      // Act
      const ids = putAll(h.rt, [order(1), order(2), order(3)]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const perEvent = ids.map((id) => factsOf(h, id).map((f) => f.kind));
      expect(perEvent).toEqual([
        ['sent', 'receive'],
        ['sent', 'receive', 'receive'],
        ['sent', 'receive'],
      ]);
      const second = factsOf(h, ids[1] ?? '').filter((f) => f.kind === 'receive');
      expect(second).toEqual([
        expect.objectContaining({
          receiveCount: 1,
          outcome: 'failed',
          eventSeq: expect.any(Number),
        }),
        expect.objectContaining({ receiveCount: 2, outcome: 'ok', replayId: null, ref: null }),
      ]);
      expect(second[1]).not.toHaveProperty('error');
      const rows = h.rt.db.prepare('SELECT kind, facts FROM rt_trace ORDER BY id').all() as {
        kind: string;
        facts: number;
      }[];
      expect(rows).toEqual([
        { kind: 'sent', facts: 3 },
        { kind: 'receive', facts: 3 },
        { kind: 'batch', facts: 1 },
        { kind: 'receive', facts: 1 },
        { kind: 'batch', facts: 1 },
      ]);
    });

    it('records nothing when tracing is off', async () => {
      // Prepare
      h.reopen({ trace: { enabled: false } });
      h.rt.registerHandler('consumer', async () => ({}));
      h.rt.createEventSourceMapping({ queue: 'Orders', handler: 'consumer' });

      // Act
      const [id] = putAll(h.rt, [order(1)]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(h.rt.tracing).toBe(false);
      expect(factsOf(h, id ?? '')).toEqual([]);
      expect(h.rt.peekMessages('Orders')).toEqual([]);
    });
  });

  describe('retention', () => {
    it('keeps the newest facts only, and notes until when facts were dropped', async () => {
      // Prepare
      h = await RuntimeHarness.create({ trace: { maxFacts: 1000 } });
      h.rt.createQueue({ name: 'Orders' });
      routeOrders(h.rt, { id: 'ToQueue', target: { kind: 'queue', name: 'Orders' } });

      // Act: one 'sent' fact per event, 2,500 events in 250 turns.
      const ids: string[] = [];
      for (let i = 0; i < 250; i += 1) {
        ids.push(
          ...putAll(
            h.rt,
            Array.from({ length: 10 }, (_, j) => order(i * 10 + j)),
          ),
        );
        h.clock.advance(1000);
        await h.rt.runUntilIdle(IDLE);
      }

      // Assess
      const reader = h.rt.traceReader();
      const events = reader.eventsContaining(['"source":"test.shop"']);
      const recorded = new Set(
        reader.facts({ eventSeqs: events.map((e) => e.seq) }).map((f) => f.eventSeq),
      );
      const kept = events.filter((e) => recorded.has(e.seq));
      expect(events).toHaveLength(ids.length);
      expect(recorded.has(events.at(-1)?.seq ?? -1)).toBe(true);
      expect(recorded.has(events[0]?.seq ?? -1)).toBe(false);
      expect(kept.length).toBeGreaterThanOrEqual(1000);
      expect(kept.length).toBeLessThanOrEqual(1000 + 1000);
      expect(reader.droppedUntil()).toBeGreaterThan(0);
    });
  });
});

describe('Function: parseTraceSettings', () => {
  it('is on with a million facts by default, off with TXNFLOW_TRACE=off', () => {
    expect(parseTraceSettings({})).toEqual({ enabled: true, maxFacts: 1_000_000 });
    expect(parseTraceSettings({ TXNFLOW_TRACE: 'off', TXNFLOW_TRACE_KEEP: '5000' })).toEqual({
      enabled: false,
      maxFacts: 5000,
    });
  });

  it('refuses a value it cannot read, naming the variable', () => {
    expect(() => parseTraceSettings({ TXNFLOW_TRACE: 'maybe' })).toThrow(
      'TXNFLOW_TRACE="maybe" is invalid: on or off',
    );
    expect(() => parseTraceSettings({ TXNFLOW_TRACE_KEEP: '10' })).toThrow(
      InvalidTraceSettingError,
    );
  });
});
