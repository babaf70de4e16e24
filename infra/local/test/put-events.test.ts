import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock, type PutEventsResultEntry, ValidationError } from '../index.ts';
import { IDLE, orderPlaced, RuntimeHarness, routeOrders } from './support/harness.ts';

const eventIdOf = (entry: PutEventsResultEntry | undefined): string =>
  entry !== undefined && 'EventId' in entry ? entry.EventId : '(failed)';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;
  const seen: unknown[] = [];

  beforeEach(async () => {
    h = await RuntimeHarness.create({
      clock: new ManualClock('2024-03-01T12:34:56.789Z'),
      accountId: '123456789012',
      region: 'eu-test-1',
    });
    seen.length = 0;
    h.rt.registerHandler('recorder', async (event) => {
      seen.push(event);
    });
  });

  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: putEvents', () => {
    it('answers an EventId per entry, in order, and no failures', () => {
      // Act
      const result = h.rt.putEvents([orderPlaced(), orderPlaced()]);

      // Assess
      expect(result.FailedEntryCount).toBe(0);
      expect(result.Entries).toHaveLength(2);
      for (const entry of result.Entries) {
        expect(entry).toEqual({ EventId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      }
    });

    it('wraps each event in the EventBridge envelope', async () => {
      // Prepare
      routeOrders(h.rt, { id: 'Recorder', target: { kind: 'handler', name: 'recorder' } });

      // Act
      const result = h.rt.putEvents([orderPlaced({ Resources: ['arn:aws:shop:::order/o-1'] })]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const [entry] = result.Entries;
      expect(seen).toEqual([
        {
          version: '0',
          id: entry && 'EventId' in entry ? entry.EventId : 'missing',
          'detail-type': 'OrderPlaced',
          source: 'test.shop',
          account: '123456789012',
          time: '2024-03-01T12:34:56Z',
          region: 'eu-test-1',
          resources: ['arn:aws:shop:::order/o-1'],
          detail: { orderId: 'o-1', amount: 120 },
        },
      ]);
    });

    it('takes the event time from the entry when given', async () => {
      // Prepare
      routeOrders(h.rt, { id: 'Recorder', target: { kind: 'handler', name: 'recorder' } });

      // Act
      h.rt.putEvents([orderPlaced({ Time: new Date('2023-01-02T03:04:05Z') })]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen).toEqual([expect.objectContaining({ time: '2023-01-02T03:04:05Z' })]);
    });

    it.each([
      [
        'Source',
        { Source: undefined },
        'InvalidArgument',
        'Parameter Source is not valid. Reason: Source is a required argument.',
      ],
      [
        'DetailType',
        { DetailType: undefined },
        'InvalidArgument',
        'Parameter DetailType is not valid. Reason: DetailType is a required argument.',
      ],
      [
        'Detail',
        { Detail: undefined },
        'InvalidArgument',
        'Parameter Detail is not valid. Reason: Detail is a required argument.',
      ],
      [
        'Detail that is not JSON',
        { Detail: '{"orderId":' },
        'MalformedDetail',
        'Detail is malformed.',
      ],
      [
        'Detail that is a JSON array',
        { Detail: '[1,2]' },
        'MalformedDetail',
        'Detail is malformed.',
      ],
      [
        'Detail that is a JSON string',
        { Detail: '"order"' },
        'MalformedDetail',
        'Detail is malformed.',
      ],
      [
        'an invalid Time',
        { Time: 'not a time' },
        'InvalidArgument',
        'Parameter Time is not valid. Reason: Time is not a valid timestamp.',
      ],
    ])('fails only the entry with a missing or bad %s', (_what, overrides, code, message) => {
      // Act
      const result = h.rt.putEvents([orderPlaced(), orderPlaced(overrides), orderPlaced()]);

      // Assess
      expect(result.FailedEntryCount).toBe(1);
      expect(result.Entries[0]).toHaveProperty('EventId');
      expect(result.Entries[1]).toEqual({ ErrorCode: code, ErrorMessage: message });
      expect(result.Entries[2]).toHaveProperty('EventId');
    });

    // Recorded on AWS (aws/aws-cli#9186, aws/aws-sdk#186): PutEvents to a bus that does not
    // exist answers an EventId and FailedEntryCount 0, and the event goes nowhere.
    it('accepts an entry for a bus that does not exist, as AWS does, and drops it', async () => {
      // Prepare
      const seen: unknown[] = [];
      h.rt.registerHandler('everything', async (event) => {
        seen.push(event);
      });
      h.rt.putRule({ name: 'All', eventPattern: { source: ['test.shop'] } });
      h.rt.putTargets({
        rule: 'All',
        targets: [{ id: 'E', target: { kind: 'handler', name: 'everything' } }],
      });

      // Act
      const result = h.rt.putEvents([orderPlaced({ EventBusName: 'nowhere' }), orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(result).toEqual({
        FailedEntryCount: 0,
        Entries: [{ EventId: expect.any(String) }, { EventId: expect.any(String) }],
      });
      expect(seen).toHaveLength(1);
      expect((seen[0] as { id: string }).id).toBe(
        result.Entries[1] && 'EventId' in result.Entries[1] ? result.Entries[1].EventId : '',
      );
    });

    it('tells its log about the drop and lists the dropped event, also after a restart', () => {
      // Prepare
      const warnings: string[] = [];
      h.reopen({ log: { warn: (message) => warnings.push(message) } });

      // Act
      const result = h.rt.putEvents([
        orderPlaced({ EventBusName: 'nowhere' }),
        orderPlaced({ EventBusName: 'nowhere' }),
      ]);
      h.reopen({ log: { warn: (message) => warnings.push(message) } });

      // Assess
      expect(warnings).toEqual([
        expect.stringMatching(
          /^PutEvents: 2 event\(s\) to event bus "nowhere", which does not exist, were dropped/,
        ),
      ]);
      expect(h.rt.listDroppedEvents()).toEqual(
        result.Entries.map((entry) => ({
          eventId: eventIdOf(entry),
          eventBusName: 'nowhere',
          source: 'test.shop',
          detailType: 'OrderPlaced',
          time: '2024-03-01T12:34:56Z',
          droppedAt: '2024-03-01T12:34:56.789Z',
        })),
      );
    });

    it('drops nothing and lists nothing for a bus that exists', () => {
      // Act
      h.rt.putEvents([orderPlaced()]);

      // Assess
      expect(h.rt.listDroppedEvents()).toEqual([]);
    });

    it('refuses a call of more than 10 entries as a whole', () => {
      // Act
      const act = () => h.rt.putEvents(Array.from({ length: 11 }, () => orderPlaced()));

      // Assess
      expect(act).toThrow(ValidationError);
      expect(act).toThrow(/less than or equal to 10/);
    });

    it('refuses an empty call', () => {
      expect(() => h.rt.putEvents([])).toThrow(ValidationError);
    });

    it('counts entry sizes as the EventBridge guide does and refuses more than 256 KB', () => {
      // Prepare: Source + DetailType + Detail bytes, plus 14 for a Time (UTF-8: é is 2 bytes).
      const room = 256 * 1024 - 'test.shop'.length - 'OrderPlaced'.length - 14;
      const detail = (bytes: number) => `{"t":"${'é'.repeat((bytes - 8) / 2)}"}`;
      const exact = orderPlaced({ Time: new Date(), Detail: detail(room) });
      const over = orderPlaced({ Time: new Date(), Detail: detail(room + 2) });

      // Act
      const accepted = h.rt.putEvents([exact]);

      // Assess
      expect(Buffer.byteLength(exact.Detail ?? '')).toBe(room);
      expect(accepted.FailedEntryCount).toBe(0);
      expect(() => h.rt.putEvents([over])).toThrow(
        'Total size of the entries in the request is over the limit.',
      );
    });

    it('counts the entries of a call together against 256 KB', () => {
      // Prepare
      const big = orderPlaced({ Detail: JSON.stringify({ pad: 'x'.repeat(100_000) }) });

      // Act
      const act = () => h.rt.putEvents([big, big, big]);

      // Assess
      expect(act).toThrow(ValidationError);
    });

    it('stores the events durably before they are delivered, and delivers after it returns', async () => {
      // Prepare
      routeOrders(h.rt, { id: 'Recorder', target: { kind: 'handler', name: 'recorder' } });

      // Act
      h.rt.putEvents([orderPlaced()]);
      const seenOnReturn = seen.length;
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seenOnReturn).toBe(0);
      expect(seen).toHaveLength(1);
    });
  });

  describe('Method: putEvents (queue targets)', () => {
    it('writes the message of a queue target that takes the whole event before it returns, and no delivery', () => {
      // Prepare
      h.rt.createQueue({ name: 'Orders' });
      routeOrders(h.rt, { id: 'Q', target: { kind: 'queue', name: 'Orders' } });

      // Act: no turn of the runtime has run yet.
      const [entry] = h.rt.putEvents([orderPlaced()]).Entries;

      // Assess
      const messages = h.rt.peekMessages('Orders');
      expect(messages.map((m) => JSON.parse(m.body).id)).toEqual([eventIdOf(entry)]);
      const open = h.rt.db.prepare('SELECT COUNT(*) AS n FROM rt_deliveries').get();
      expect(open).toEqual({ n: 0 });
    });

    it('leaves a queue target that does not exist to the dispatcher, which dead-letters it', async () => {
      // Prepare
      h.rt.createQueue({ name: 'OrdersDLQ' });
      routeOrders(h.rt, {
        id: 'Q',
        target: { kind: 'queue', name: 'Missing' },
        deadLetterQueue: 'OrdersDLQ',
      });

      // Act
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      const [dead] = h.rt.peekMessages('OrdersDLQ');
      expect(dead?.attributes.ERROR_CODE).toBe('NO_RESOURCE');
    });
  });

  describe('Method: putEvents (inside a caller transaction)', () => {
    it("joins the caller's SQLite transaction: many calls commit once, and are delivered after it", async () => {
      // Prepare
      routeOrders(h.rt, { id: 'Recorder', target: { kind: 'handler', name: 'recorder' } });

      // Act
      h.rt.db.transaction(() => {
        for (let i = 0; i < 5; i += 1) h.rt.putEvents([orderPlaced(), orderPlaced()]);
      })();
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen).toHaveLength(10);
    });

    it("is rolled back with the caller's transaction: nothing stored, nothing delivered", async () => {
      // Prepare
      routeOrders(h.rt, { id: 'Recorder', target: { kind: 'handler', name: 'recorder' } });
      h.rt.createArchive({ name: 'all', eventBusName: 'default' });

      // Act
      const act = h.rt.db.transaction(() => {
        h.rt.putEvents([orderPlaced()]);
        throw new Error('the caller changed its mind');
      });
      expect(act).toThrow('the caller changed its mind');
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen).toHaveLength(1);
      expect(h.rt.listArchivedEvents({ archive: 'all' })).toHaveLength(1);
    });
  });

  describe('Method: createEventBus', () => {
    it('routes events on a custom bus to its rules only', async () => {
      // Prepare
      h.rt.createEventBus({ name: 'shop' });
      const onDefault: unknown[] = [];
      h.rt.registerHandler('default-recorder', async (event) => {
        onDefault.push(event);
      });
      routeOrders(h.rt, { id: 'Custom', target: { kind: 'handler', name: 'recorder' } }, 'shop');
      routeOrders(h.rt, { id: 'Default', target: { kind: 'handler', name: 'default-recorder' } });

      // Act
      h.rt.putEvents([orderPlaced({ EventBusName: 'shop' })]);
      h.rt.putEvents([
        orderPlaced({ EventBusName: 'arn:aws:events:eu-test-1:123456789012:event-bus/shop' }),
      ]);
      h.rt.putEvents([orderPlaced()]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(seen).toHaveLength(2);
      expect(onDefault).toHaveLength(1);
    });

    it('is idempotent and answers the bus ARN', () => {
      // Act
      const first = h.rt.createEventBus({ name: 'shop' });
      const again = h.rt.createEventBus({ name: 'shop' });

      // Assess
      expect(first).toEqual({
        eventBusArn: 'arn:aws:events:eu-test-1:123456789012:event-bus/shop',
      });
      expect(again).toEqual(first);
    });
  });
});
