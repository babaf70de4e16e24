import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SqsEvent } from '../index.ts';
import { putAll, RuntimeHarness } from './support/harness.ts';

interface FlowEvent {
  id: string;
  'detail-type': string;
  detail: { seed: number; child?: number };
}

const SEEDS = 3000;
const BUS = 'flow';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;

  beforeEach(async () => {
    h = await RuntimeHarness.create({ retry: { maxAttempts: 3, baseDelayMs: 2, maxDelayMs: 10 } });
  });

  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: runUntilIdle (under load)', () => {
    it('settles thousands of events in flight across rules, queues and handlers that publish', async () => {
      // Prepare
      const { rt } = h;
      const auditor = new Set<string>();
      const children = new Map<number, Set<number>>();
      const seedsFromQueue = new Set<number>();
      const childAttempts = new Map<string, number>();
      rt.createEventBus({ name: BUS });
      rt.createQueue({ name: 'SeedQueue', visibilityTimeoutSeconds: 0.05 });
      rt.registerHandler('fanout', async (event) => {
        const { detail } = event as FlowEvent;
        // Handlers finish out of order: some yield to the event loop once or twice first.
        for (let turn = 0; turn < detail.seed % 3; turn += 1) {
          await new Promise((resolve) => setImmediate(resolve));
        }
        rt.putEvents(
          [1, 2].map((child) => ({
            Source: 'flow.fanout',
            DetailType: 'Child',
            Detail: JSON.stringify({ seed: detail.seed, child }),
            EventBusName: BUS,
          })),
        );
      });
      rt.registerHandler('child-counter', async (event) => {
        const { id, detail } = event as FlowEvent;
        const attempt = (childAttempts.get(id) ?? 0) + 1;
        childAttempts.set(id, attempt);
        // One child in ten fails its first attempt, to run retries among everything else.
        if (detail.seed % 10 === 0 && attempt === 1) throw new Error('first try fails');
        const seen = children.get(detail.seed) ?? new Set<number>();
        seen.add(detail.child ?? 0);
        children.set(detail.seed, seen);
      });
      rt.registerHandler('auditor', async (event) => {
        auditor.add((event as FlowEvent).id);
      });
      rt.registerHandler('seed-consumer', async (event) => {
        const failures: { itemIdentifier: string }[] = [];
        for (const record of (event as SqsEvent).Records) {
          const seed = (JSON.parse(record.body) as FlowEvent).detail.seed;
          // Some seeds fail once in the queue too, and come back after the visibility timeout.
          if (seed % 50 === 0 && record.attributes.ApproximateReceiveCount === '1') {
            failures.push({ itemIdentifier: record.messageId });
          } else {
            seedsFromQueue.add(seed);
          }
        }
        return { batchItemFailures: failures };
      });
      rt.createEventSourceMapping({ queue: 'SeedQueue', handler: 'seed-consumer', batchSize: 10 });
      const rule = (
        name: string,
        eventPattern: object,
        targets: Parameters<typeof rt.putTargets>[0]['targets'],
      ) => {
        rt.putRule({ name, eventBusName: BUS, eventPattern });
        rt.putTargets({ rule: name, eventBusName: BUS, targets });
      };
      rule('Seeds', { 'detail-type': ['Seed'] }, [
        { id: 'Fanout', target: { kind: 'handler', name: 'fanout' } },
        { id: 'Queue', target: { kind: 'queue', name: 'SeedQueue' } },
      ]);
      rule('Children', { 'detail-type': ['Child'] }, [
        { id: 'Counter', target: { kind: 'handler', name: 'child-counter' } },
      ]);
      rule('Audit', { source: [{ prefix: 'flow.' }] }, [
        { id: 'Auditor', target: { kind: 'handler', name: 'auditor' } },
      ]);

      // Act
      const seedIds = putAll(
        rt,
        Array.from({ length: SEEDS }, (_, seed) => ({
          Source: 'flow.generator',
          DetailType: 'Seed',
          Detail: JSON.stringify({ seed }),
          EventBusName: BUS,
        })),
      );
      await rt.runUntilIdle({ timeoutMs: 30_000 });

      // Assess
      expect(seedIds).toHaveLength(SEEDS);
      expect(auditor.size).toBe(SEEDS * 3);
      for (const id of seedIds) expect(auditor.has(id)).toBe(true);
      expect(children.size).toBe(SEEDS);
      expect([...children.values()].every((c) => c.size === 2)).toBe(true);
      expect(seedsFromQueue.size).toBe(SEEDS);
      expect([...childAttempts.values()].filter((n) => n === 2)).toHaveLength((SEEDS / 10) * 2);
      expect(rt.peekMessages('SeedQueue')).toEqual([]);
      expect(rt.listFailedDeliveries()).toEqual([]);
    }, 30_000);
  });
});
