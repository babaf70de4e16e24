import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  InvalidEventPatternError,
  LimitExceededError,
  ManualClock,
  ResourceNotFoundError,
  ValidationError,
} from '../index.ts';
import { IDLE, orderPlaced, RuntimeHarness } from './support/harness.ts';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;
  const seen: Record<string, unknown[]> = {};
  const recorder = (name: string) => {
    seen[name] = [];
    h.rt.registerHandler(name, async (event) => {
      seen[name]?.push(event);
    });
    return { kind: 'handler', name } as const;
  };

  beforeEach(async () => {
    h = await RuntimeHarness.create({ clock: new ManualClock('2024-03-01T12:00:00.000Z') });
  });

  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: putRule', () => {
    it('delivers only the events that match the pattern', async () => {
      // Prepare
      h.rt.putRule({
        name: 'BigOrders',
        eventPattern: { source: ['test.shop'], detail: { amount: [{ numeric: ['>=', 100] }] } },
      });
      h.rt.putTargets({ rule: 'BigOrders', targets: [{ id: 'T', target: recorder('big') }] });

      // Act
      h.rt.putEvents([
        orderPlaced({ Detail: '{"amount":150}' }),
        orderPlaced({ Detail: '{"amount":50}' }),
        orderPlaced({ Source: 'other', Detail: '{"amount":500}' }),
      ]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen.big).toEqual([expect.objectContaining({ detail: { amount: 150 } })]);
    });

    it('accepts the pattern as JSON text', async () => {
      // Prepare
      h.rt.putRule({ name: 'Text', eventPattern: '{"detail-type":["OrderPlaced"]}' });
      h.rt.putTargets({ rule: 'Text', targets: [{ id: 'T', target: recorder('text') }] });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen.text).toHaveLength(1);
    });

    it('refuses an invalid pattern as EventBridge does', () => {
      expect(() => h.rt.putRule({ name: 'Bad', eventPattern: { source: 'test.shop' } })).toThrow(
        InvalidEventPatternError,
      );
    });

    it('refuses a rule on a bus that does not exist', () => {
      expect(() =>
        h.rt.putRule({ name: 'R', eventBusName: 'nowhere', eventPattern: { source: ['x'] } }),
      ).toThrow(ResourceNotFoundError);
    });

    it('refuses a name AWS would refuse', () => {
      expect(() => h.rt.putRule({ name: 'has space', eventPattern: { source: ['x'] } })).toThrow(
        ValidationError,
      );
    });

    it('replaces the pattern of an existing rule, keeping its targets', async () => {
      // Prepare
      h.rt.putRule({ name: 'R', eventPattern: { source: ['other'] } });
      h.rt.putTargets({ rule: 'R', targets: [{ id: 'T', target: recorder('r') }] });

      // Act
      h.rt.putRule({ name: 'R', eventPattern: { source: ['test.shop'] } });
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen.r).toHaveLength(1);
      expect(h.rt.listRules()).toEqual([
        expect.objectContaining({
          name: 'R',
          eventPattern: '{"source":["test.shop"]}',
          targets: ['T'],
        }),
      ]);
    });

    it('routes nothing through a disabled rule', async () => {
      // Prepare
      h.rt.putRule({ name: 'R', eventPattern: { source: ['test.shop'] }, state: 'DISABLED' });
      h.rt.putTargets({ rule: 'R', targets: [{ id: 'T', target: recorder('off') }] });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen.off).toEqual([]);
    });
  });

  describe('Method: putTargets', () => {
    it('delivers each matching event to every target of the rule, up to five', async () => {
      // Prepare
      h.rt.putRule({ name: 'Fan', eventPattern: { source: ['test.shop'] } });
      const targets = [1, 2, 3, 4, 5].map((n) => ({ id: `T${n}`, target: recorder(`t${n}`) }));

      // Act
      h.rt.putTargets({ rule: 'Fan', targets });
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      for (const n of [1, 2, 3, 4, 5]) expect(seen[`t${n}`], `t${n}`).toHaveLength(1);
    });

    it('refuses a sixth target with LimitExceeded', () => {
      // Prepare
      h.rt.putRule({ name: 'Fan', eventPattern: { source: ['test.shop'] } });
      h.rt.putTargets({
        rule: 'Fan',
        targets: [1, 2, 3, 4, 5].map((n) => ({ id: `T${n}`, target: recorder(`t${n}`) })),
      });

      // Act
      const act = () =>
        h.rt.putTargets({ rule: 'Fan', targets: [{ id: 'T6', target: recorder('t6') }] });

      // Assess
      expect(act).toThrow(LimitExceededError);
    });

    it('replaces a target put again with the same id', async () => {
      // Prepare
      h.rt.putRule({ name: 'R', eventPattern: { source: ['test.shop'] } });
      h.rt.putTargets({ rule: 'R', targets: [{ id: 'T', target: recorder('before') }] });

      // Act
      h.rt.putTargets({ rule: 'R', targets: [{ id: 'T', target: recorder('after') }] });
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen.before).toEqual([]);
      expect(seen.after).toHaveLength(1);
    });

    it('refuses targets of a rule that does not exist', () => {
      expect(() =>
        h.rt.putTargets({ rule: 'Nope', targets: [{ id: 'T', target: recorder('x') }] }),
      ).toThrow(ResourceNotFoundError);
    });

    it('refuses inputPath and inputTransformer together', () => {
      // Prepare
      h.rt.putRule({ name: 'R', eventPattern: { source: ['test.shop'] } });

      // Act
      const act = () =>
        h.rt.putTargets({
          rule: 'R',
          targets: [
            {
              id: 'T',
              target: recorder('x'),
              inputPath: '$.detail',
              inputTransformer: { inputTemplate: '"x"' },
            },
          ],
        });

      // Assess
      expect(act).toThrow(ValidationError);
    });

    it('sends only the InputPath part of the event', async () => {
      // Prepare
      h.rt.putRule({ name: 'R', eventPattern: { source: ['test.shop'] } });
      h.rt.createQueue({ name: 'Details' });
      h.rt.putTargets({
        rule: 'R',
        targets: [
          { id: 'H', target: recorder('detail'), inputPath: '$.detail' },
          { id: 'Q', target: { kind: 'queue', name: 'Details' }, inputPath: '$.detail.orderId' },
        ],
      });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen.detail).toEqual([{ orderId: 'o-1', amount: 120 }]);
      expect(h.rt.peekMessages('Details').map((m) => m.body)).toEqual(['"o-1"']);
    });

    it('refuses a template placeholder that names no variable, naming the target', () => {
      // Prepare
      h.rt.putRule({ name: 'R', eventPattern: { source: ['test.shop'] } });

      // Act
      const act = () =>
        h.rt.putTargets({
          rule: 'R',
          targets: [
            {
              id: 'Shaped',
              target: recorder('x'),
              inputTransformer: {
                inputPathsMap: { order: '$.detail.orderId' },
                inputTemplate: '"Order <order> by <customer>"',
              },
            },
          ],
        });

      // Assess
      expect(act).toThrow('InputTemplate for target Shaped contains invalid placeholder customer.');
    });

    it('delivers nothing for an event a JSON template makes invalid, dead-letters it as INVALID_JSON and delivers the others', async () => {
      // Prepare: an object inside a quoted string loses its inner quotes, so a string holding
      // a quote leaves a stray backslash escape behind.
      h.rt.putRule({ name: 'R', eventPattern: { source: ['test.shop'] } });
      h.rt.createQueue({ name: 'Shaped' });
      h.rt.createQueue({ name: 'ShapedDLQ' });
      h.rt.putTargets({
        rule: 'R',
        targets: [
          {
            id: 'Q',
            target: { kind: 'queue', name: 'Shaped' },
            deadLetterQueue: 'ShapedDLQ',
            inputTransformer: {
              inputPathsMap: { note: '$.detail.note' },
              inputTemplate: '{"text": "note <note>"}',
            },
          },
        ],
      });
      const withNote = (note: object) => orderPlaced({ Detail: JSON.stringify({ note }) });

      // Act
      h.rt.putEvents([withNote({ says: 'fine' }), withNote({ says: 'a "quoted" word' })]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(h.rt.peekMessages('Shaped').map((m) => JSON.parse(m.body))).toEqual([
        { text: 'note {says:fine}' },
      ]);
      const dead = h.rt.peekMessages('ShapedDLQ');
      expect(dead).toHaveLength(1);
      expect(dead[0]?.attributes).toMatchObject({
        ERROR_CODE: 'INVALID_JSON',
        RETRY_ATTEMPTS: '0',
      });
      expect(JSON.parse(dead[0]?.body ?? '{}').detail.note.says).toBe('a "quoted" word');
    });

    it('sends what the InputTransformer makes of the event', async () => {
      // Prepare
      h.rt.putRule({ name: 'R', eventPattern: { source: ['test.shop'] } });
      h.rt.createQueue({ name: 'Lines' });
      h.rt.putTargets({
        rule: 'R',
        targets: [
          {
            id: 'Json',
            target: recorder('shaped'),
            inputTransformer: {
              inputPathsMap: {
                order: '$.detail.orderId',
                amount: '$.detail.amount',
                none: '$.detail.missing',
              },
              inputTemplate:
                '{"order": <order>, "amount": <amount>, "text": "order <order> of <amount>", "none": <none>, "rule": <aws.events.rule-name>, "at": <aws.events.event.ingestion-time>, "event": <aws.events.event.json>}',
            },
          },
          {
            id: 'Text',
            target: { kind: 'queue', name: 'Lines' },
            inputTransformer: {
              inputPathsMap: { order: '$.detail.orderId' },
              inputTemplate: 'Order <order> was placed',
            },
          },
        ],
      });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen.shaped).toEqual([
        {
          order: 'o-1',
          amount: 120,
          text: 'order o-1 of 120',
          none: '',
          rule: 'R',
          at: '2024-03-01T12:00:00.000Z',
          event: expect.objectContaining({
            source: 'test.shop',
            detail: { orderId: 'o-1', amount: 120 },
          }),
        },
      ]);
      expect(h.rt.peekMessages('Lines').map((m) => m.body)).toEqual(['Order o-1 was placed']);
    });
  });
});
