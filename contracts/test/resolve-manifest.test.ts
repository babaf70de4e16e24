import { describe, expect, it } from 'vitest';
import {
  MANIFEST_DEFAULTS,
  ManifestReferenceError,
  resolveManifest,
} from '../src/resolve-manifest.ts';
import type { ServiceManifest, SubscriptionSpec } from '../src/service-manifest.ts';

function manifest(overrides: Partial<ServiceManifest> = {}): ServiceManifest {
  return {
    service: 'ledger',
    source: 'txnflow.ledger',
    publishes: [],
    tables: [],
    handlers: [],
    queues: [],
    topics: [],
    buckets: [],
    subscriptions: [],
    ...overrides,
  };
}

const subscription = (rule: string, target: SubscriptionSpec['target']): SubscriptionSpec => ({
  rule,
  bus: 'txnflow',
  eventPattern: { source: ['txnflow.ingest'] },
  target,
});

const ruleRetry = { maximumRetryAttempts: 8, maximumEventAgeSeconds: 21_600 };

describe('Function: resolveManifest', () => {
  describe('Rules', () => {
    it("gives every rule's target EventBridge's retry policy and the rule's own dead-letter queue", () => {
      const resolved = resolveManifest(
        manifest({
          queues: [{ name: 'Notify' }],
          subscriptions: [subscription('ToNotify', { kind: 'queue', queue: 'Notify' })],
        }),
      );

      expect(resolved.subscriptions[0]).toMatchObject({
        retryPolicy: ruleRetry,
        deadLetterQueue: { name: 'ToNotifyDLQ', owner: { kind: 'rule', name: 'ToNotify' } },
      });
    });

    it('reads a queue in batches of 10 unless told, without a batching window', () => {
      const resolved = resolveManifest(
        manifest({
          handlers: [{ name: 'apply', entry: 'src/apply.ts' }],
          queues: [{ name: 'Work' }],
          subscriptions: [
            subscription('ToWork', { kind: 'queue-consumer', queue: 'Work', handler: 'apply' }),
          ],
        }),
      );

      expect(resolved.subscriptions[0]?.target).toEqual({
        kind: 'queue-consumer',
        queue: 'Work',
        handler: 'apply',
        batchSize: 10,
      });
    });

    it('adds the 1 s batching window SQS requires for batches over 10', () => {
      const resolved = resolveManifest(
        manifest({
          handlers: [{ name: 'apply', entry: 'src/apply.ts' }],
          queues: [{ name: 'Work' }],
          subscriptions: [
            subscription('ToWork', {
              kind: 'queue-consumer',
              queue: 'Work',
              handler: 'apply',
              batchSize: 100,
            }),
          ],
        }),
      );

      expect(resolved.subscriptions[0]?.target).toMatchObject({
        batchSize: 100,
        maxBatchingWindowSeconds: 1,
      });
      expect(resolved.queues[0]?.consumer).toEqual({
        handler: 'apply',
        batchSize: 100,
        maxBatchingWindowSeconds: 1,
      });
    });
  });

  describe('Queues', () => {
    it('fills in 5 receives, a 60 s visibility timeout and a `<name>DLQ` dead-letter queue', () => {
      const [queue] = resolveManifest(manifest({ queues: [{ name: 'Notify' }] })).queues;

      expect(queue).toEqual({
        name: 'Notify',
        maxReceiveCount: 5,
        visibilityTimeoutSeconds: 60,
        deadLetterQueue: { name: 'NotifyDLQ', owner: { kind: 'queue', name: 'Notify' } },
      });
    });

    it("keeps the manifest's own values", () => {
      const [queue] = resolveManifest(
        manifest({ queues: [{ name: 'Work', maxReceiveCount: 3, visibilityTimeoutSeconds: 360 }] }),
      ).queues;

      expect(queue).toMatchObject({ maxReceiveCount: 3, visibilityTimeoutSeconds: 360 });
    });

    it('alarms on the age of the oldest message only for a queue a handler consumes', () => {
      const { queues } = resolveManifest(
        manifest({
          handlers: [{ name: 'apply', entry: 'src/apply.ts' }],
          queues: [{ name: 'Work' }, { name: 'Outside' }],
          subscriptions: [
            subscription('ToWork', { kind: 'queue-consumer', queue: 'Work', handler: 'apply' }),
            subscription('ToOutside', { kind: 'queue', queue: 'Outside' }),
          ],
        }),
      );

      expect(queues.map((q) => q.oldestMessageAlarmSeconds)).toEqual([900, undefined]);
    });

    it("resolves the consumer of a queue no rule delivers to, and dead-letters its poison to the queue's DLQ", () => {
      const resolved = resolveManifest(
        manifest({
          handlers: [{ name: 'work', entry: 'src/work.ts' }],
          queues: [
            { name: 'Tasks', consumer: { handler: 'work', batchSize: 1, maxConcurrency: 50 } },
          ],
        }),
      );

      expect(resolved.queues[0]).toMatchObject({
        consumer: { handler: 'work', batchSize: 1, maxConcurrency: 50 },
        oldestMessageAlarmSeconds: 900,
      });
      expect(resolved.handlers[0]?.poisonQueue).toEqual({
        name: 'TasksDLQ',
        owner: { kind: 'queue', name: 'Tasks' },
      });
    });
  });

  describe('Handlers', () => {
    it('fills in a 30 s timeout and 256 MB', () => {
      const [handler] = resolveManifest(
        manifest({ handlers: [{ name: 'apply', entry: 'src/apply.ts' }] }),
      ).handlers;

      expect(handler).toEqual({
        name: 'apply',
        entry: 'src/apply.ts',
        timeoutSeconds: 30,
        memoryMb: 256,
        sendsTo: [],
      });
    });

    it('lists the queues a handler sends to itself', () => {
      const { handlers } = resolveManifest(
        manifest({
          handlers: [
            { name: 'plan', entry: 'src/plan.ts' },
            { name: 'work', entry: 'src/work.ts' },
          ],
          queues: [{ name: 'Tasks', senders: ['plan', 'work'] }, { name: 'Other' }],
        }),
      );

      expect(handlers.map((h) => h.sendsTo)).toEqual([['Tasks'], ['Tasks']]);
    });

    it("dead-letters a queue consumer's poison events to its queue's dead-letter queue", () => {
      const [handler] = resolveManifest(
        manifest({
          handlers: [{ name: 'apply', entry: 'src/apply.ts' }],
          queues: [{ name: 'Work' }],
          subscriptions: [
            subscription('ToWork', { kind: 'queue-consumer', queue: 'Work', handler: 'apply' }),
          ],
        }),
      ).handlers;

      expect(handler?.poisonQueue?.name).toBe('WorkDLQ');
      expect(handler?.asyncInvocation).toBeUndefined();
    });

    it("retries a function a rule invokes as Lambda does (2 retries, 6 h), then its rule's DLQ", () => {
      const [handler] = resolveManifest(
        manifest({
          handlers: [{ name: 'alert', entry: 'src/alert.ts' }],
          subscriptions: [subscription('ToAlert', { kind: 'function', handler: 'alert' })],
        }),
      ).handlers;

      expect(handler?.poisonQueue?.name).toBe('ToAlertDLQ');
      expect(handler?.asyncInvocation).toEqual({
        retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeSeconds: 21_600 },
        deadLetterQueue: { name: 'ToAlertDLQ', owner: { kind: 'rule', name: 'ToAlert' } },
      });
    });

    it('gives a handler no subscription delivers to no dead-letter queue', () => {
      const [handler] = resolveManifest(
        manifest({ handlers: [{ name: 'idle', entry: 'src/idle.ts' }] }),
      ).handlers;

      expect(handler?.poisonQueue).toBeUndefined();
    });
  });

  describe('References', () => {
    it.each([
      ['handler', subscription('R', { kind: 'function', handler: 'missing' })],
      ['queue', subscription('R', { kind: 'queue', queue: 'missing' })],
      [
        'bucket',
        { ...subscription('R', { kind: 'function', handler: 'h' }), fromBucket: 'missing' },
      ],
    ])('refuses a subscription naming a %s the manifest does not declare', (kind, s) => {
      const resolving = () =>
        resolveManifest(manifest({ handlers: [{ name: 'h', entry: 'h.ts' }], subscriptions: [s] }));

      expect(resolving).toThrowError(ManifestReferenceError);
      expect(resolving).toThrowError(`ledger manifest refers to ${kind} "missing"`);
    });

    it.each([
      ['consumer', { name: 'Tasks', consumer: { handler: 'missing' } }],
      ['sender', { name: 'Tasks', senders: ['h', 'missing'] }],
    ])('refuses a queue whose %s is a handler the manifest does not declare', (_what, queue) => {
      const resolving = () =>
        resolveManifest(manifest({ handlers: [{ name: 'h', entry: 'h.ts' }], queues: [queue] }));

      expect(resolving).toThrowError('ledger manifest refers to handler "missing"');
    });
  });

  it('keeps every default in MANIFEST_DEFAULTS, EventBridge and Lambda limits included', () => {
    expect(MANIFEST_DEFAULTS.ruleRetryAttempts).toBeLessThanOrEqual(185);
    expect(MANIFEST_DEFAULTS.invocationRetryAttempts).toBeLessThanOrEqual(2);
    expect(MANIFEST_DEFAULTS.maximumEventAgeSeconds).toBeLessThanOrEqual(21_600);
  });
});

describe('Function: resolveManifest, the query API', () => {
  const base = manifest({
    service: 'svc',
    tables: [{ name: 'Balances', partitionKey: 'id', itemActions: [] }],
  });

  it('fills in the API function’s timeout and memory', () => {
    const resolved = resolveManifest({
      ...base,
      api: { entry: 'src/lambda/http-api.ts', tableReads: { Balances: ['Query'] } },
    });

    expect(resolved.api).toEqual({
      entry: 'src/lambda/http-api.ts',
      tableReads: { Balances: ['Query'] },
      timeoutSeconds: 10,
      memoryMb: 256,
    });
  });

  it('refuses an API that reads a table or uploads to a bucket the manifest does not declare', () => {
    const reading: ServiceManifest['api'] = { entry: 'x.ts', tableReads: { Ghost: ['Query'] } };
    const uploading: ServiceManifest['api'] = {
      entry: 'x.ts',
      tableReads: {},
      uploads: { bucket: 'Nope', prefix: 'in/' },
    };

    expect(() => resolveManifest({ ...base, api: reading })).toThrowError(
      'svc manifest refers to table "Ghost", which it does not declare',
    );
    expect(() => resolveManifest({ ...base, api: uploading })).toThrowError(
      'svc manifest refers to bucket "Nope", which it does not declare',
    );
  });
});
