import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ResourceNotFoundError } from '../index.ts';
import { RuntimeHarness } from './support/harness.ts';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;
  beforeEach(async () => {
    h = await RuntimeHarness.create();
  });
  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: listTargetsByRule', () => {
    it("answers a rule's targets as they were put, retry policy and dead-letter queue included", () => {
      // Prepare
      h.rt.createEventBus({ name: 'shop' });
      h.rt.createQueue({ name: 'Orders' });
      h.rt.createQueue({ name: 'OrdersDLQ' });
      h.rt.putRule({ name: 'ToOrders', eventBusName: 'shop', eventPattern: { source: ['s'] } });
      const target = {
        id: 'Q',
        target: { kind: 'queue', name: 'Orders' },
        retryPolicy: { maximumRetryAttempts: 8, maximumEventAgeSeconds: 21_600 },
        deadLetterQueue: 'OrdersDLQ',
      } as const;
      h.rt.putTargets({ rule: 'ToOrders', eventBusName: 'shop', targets: [target] });

      // Act
      const targets = h.rt.listTargetsByRule({ rule: 'ToOrders', eventBusName: 'shop' });

      // Assess
      expect(targets).toEqual([target]);
    });

    it('survives a restart: targets are stored with their rule', () => {
      h.rt.putRule({ name: 'Any', eventPattern: { source: ['s'] } });
      h.rt.createQueue({ name: 'Q' });
      h.rt.putTargets({
        rule: 'Any',
        targets: [
          {
            id: 'T',
            target: { kind: 'queue', name: 'Q' },
            retryPolicy: { maximumRetryAttempts: 0 },
          },
        ],
      });

      const reopened = h.reopen();

      expect(reopened.listTargetsByRule({ rule: 'Any' })[0]?.retryPolicy).toEqual({
        maximumRetryAttempts: 0,
      });
    });

    it('refuses a rule that does not exist, as AWS does', () => {
      expect(() => h.rt.listTargetsByRule({ rule: 'Nope' })).toThrowError(ResourceNotFoundError);
    });
  });
});
