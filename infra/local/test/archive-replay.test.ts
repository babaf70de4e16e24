import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  ManualClock,
  ReplayState,
  ResourceAlreadyExistsError,
  ResourceNotFoundError,
} from '../index.ts';
import { IDLE, order, putAll, RuntimeHarness } from './support/harness.ts';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;
  let clock: ManualClock;
  const now = () => new Date(clock.now());
  const received: Record<string, { id: string; replay?: string; orderId: string }[]> = {};

  function recordInto(name: string): void {
    received[name] = [];
    h.rt.registerHandler(name, async (event) => {
      const e = event as { id: string; 'replay-name'?: string; detail: { orderId: string } };
      received[name]?.push({
        id: e.id,
        orderId: e.detail.orderId,
        ...(e['replay-name'] ? { replay: e['replay-name'] } : {}),
      });
    });
  }

  /** Two rules on the shop bus; one (like alerting's) skips replayed events. */
  function wireShop(): void {
    h.rt.createEventBus({ name: 'shop' });
    h.rt.createArchive({ name: 'shop-archive', eventBusName: 'shop' });
    recordInto('ledger');
    recordInto('notifier');
    h.rt.putRule({ name: 'Ledger', eventBusName: 'shop', eventPattern: { source: ['test.shop'] } });
    h.rt.putTargets({
      rule: 'Ledger',
      eventBusName: 'shop',
      targets: [{ id: 'L', target: { kind: 'handler', name: 'ledger' } }],
    });
    h.rt.putRule({
      name: 'Notifier',
      eventBusName: 'shop',
      eventPattern: { source: ['test.shop'], 'replay-name': [{ exists: false }] },
    });
    h.rt.putTargets({
      rule: 'Notifier',
      eventBusName: 'shop',
      targets: [{ id: 'N', target: { kind: 'handler', name: 'notifier' } }],
    });
  }

  const onShop = (n: number) => order(n, { EventBusName: 'shop' });

  beforeEach(async () => {
    clock = new ManualClock('2024-03-01T10:00:00.000Z');
    h = await RuntimeHarness.create({ clock });
    wireShop();
  });

  afterEach(async () => {
    await h.dispose();
  });

  describe('Method: createArchive', () => {
    it('keeps every event that reaches the bus, with when it arrived', async () => {
      // Act
      const ids = putAll(h.rt, [onShop(1), onShop(2)]);
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(h.rt.listArchivedEvents({ archive: 'shop-archive' })).toEqual(
        ids.map((eventId) => ({
          archive: 'shop-archive',
          eventId,
          eventBusName: 'shop',
          source: 'test.shop',
          detailType: 'OrderPlaced',
          time: '2024-03-01T10:00:00Z',
          arrivedAt: '2024-03-01T10:00:00.000Z',
        })),
      );
    });

    it('keeps only the events matching its pattern', () => {
      // Prepare
      h.rt.createArchive({
        name: 'big-orders',
        eventBusName: 'shop',
        eventPattern: { detail: { amount: [{ numeric: ['>', 1] }] } },
      });

      // Act
      putAll(h.rt, [onShop(1), onShop(2), onShop(3)]);

      // Assess
      expect(h.rt.listArchivedEvents({ archive: 'big-orders' })).toHaveLength(2);
    });

    it('does not archive replayed events again', async () => {
      // Prepare
      putAll(h.rt, [onShop(1), onShop(2)]);
      await h.rt.runUntilIdle(IDLE);

      // Act
      h.rt.startReplay({ name: 'again', archive: 'shop-archive', from: now(), to: now() });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(received.ledger).toHaveLength(4);
      expect(h.rt.listArchivedEvents({ archive: 'shop-archive' })).toHaveLength(2);
    });

    it('refuses to reuse an archive name on another bus', () => {
      expect(() => h.rt.createArchive({ name: 'shop-archive', eventBusName: 'default' })).toThrow(
        ResourceAlreadyExistsError,
      );
    });
  });

  describe('Method: startReplay', () => {
    it('re-sends the events that arrived within the window, with replay-name, to the named rules only', async () => {
      // Prepare: three batches arriving at 10:00, 11:00 and 12:00.
      const [at10] = putAll(h.rt, [onShop(10)]);
      clock.advanceTo('2024-03-01T11:00:00.000Z');
      const [at11] = putAll(h.rt, [onShop(11)]);
      clock.advanceTo('2024-03-01T12:00:00.000Z');
      putAll(h.rt, [onShop(12)]);
      await h.rt.runUntilIdle(IDLE);
      received.ledger = [];
      received.notifier = [];

      // Act
      h.rt.startReplay({
        name: 'backfill',
        archive: 'shop-archive',
        from: new Date('2024-03-01T10:00:00.000Z'),
        to: new Date('2024-03-01T11:00:00.000Z'),
        rules: ['Ledger'],
      });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(received.ledger).toEqual([
        { id: at10, orderId: 'o-10', replay: 'backfill' },
        { id: at11, orderId: 'o-11', replay: 'backfill' },
      ]);
      expect(received.notifier).toEqual([]);
    });

    it('replays to every rule of the bus by default, and patterns see replay-name', async () => {
      // Prepare
      putAll(h.rt, [onShop(1)]);
      await h.rt.runUntilIdle(IDLE);
      received.ledger = [];
      received.notifier = [];

      // Act
      h.rt.startReplay({ name: 'all-rules', archive: 'shop-archive', from: now(), to: now() });
      await h.rt.runUntilIdle(IDLE);

      // Assess: the notifier's pattern excludes events carrying replay-name.
      expect(received.ledger).toEqual([expect.objectContaining({ replay: 'all-rules' })]);
      expect(received.notifier).toEqual([]);
    });

    it('goes from STARTING to COMPLETED with its counts and times', async () => {
      // Prepare
      putAll(
        h.rt,
        Array.from({ length: 1200 }, (_, i) => onShop(i)),
      );
      await h.rt.runUntilIdle({ timeoutMs: 30_000 });
      clock.advanceTo('2024-03-01T13:00:00.000Z');

      // Act
      h.rt.startReplay({
        name: 'big',
        archive: 'shop-archive',
        from: new Date('2024-03-01T00:00:00.000Z'),
        to: new Date('2024-03-01T23:00:00.000Z'),
      });
      const started = h.rt.describeReplay('big');
      await h.rt.runUntilIdle({ timeoutMs: 30_000 });
      const finished = h.rt.describeReplay('big');

      // Assess
      expect(started).toMatchObject({
        name: 'big',
        archive: 'shop-archive',
        state: ReplayState.Starting,
        eventsTotal: 1200,
        eventsReplayed: 0,
        startedAt: now(),
      });
      expect(started.completedAt).toBeUndefined();
      expect(finished).toMatchObject({
        state: ReplayState.Completed,
        eventsTotal: 1200,
        eventsReplayed: 1200,
        completedAt: now(),
      });
      expect(received.ledger?.filter((r) => r.replay === 'big')).toHaveLength(1200);
    });

    it('completes at once with nothing to replay in an empty window', async () => {
      // Act
      h.rt.startReplay({
        name: 'empty',
        archive: 'shop-archive',
        from: new Date('2020-01-01'),
        to: new Date('2020-01-02'),
      });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(h.rt.describeReplay('empty')).toMatchObject({
        state: 'COMPLETED',
        eventsTotal: 0,
        eventsReplayed: 0,
      });
    });

    it('refuses a replay name used before, an unknown archive and an unknown rule', () => {
      // Prepare
      h.rt.startReplay({ name: 'once', archive: 'shop-archive', from: now(), to: now() });

      // Act / Assess
      expect(() =>
        h.rt.startReplay({ name: 'once', archive: 'shop-archive', from: now(), to: now() }),
      ).toThrow(ResourceAlreadyExistsError);
      expect(() =>
        h.rt.startReplay({ name: 'x', archive: 'nope', from: now(), to: now() }),
      ).toThrow(ResourceNotFoundError);
      expect(() =>
        h.rt.startReplay({
          name: 'y',
          archive: 'shop-archive',
          from: now(),
          to: now(),
          rules: ['Nope'],
        }),
      ).toThrow(ResourceNotFoundError);
      expect(() => h.rt.describeReplay('never')).toThrow(ResourceNotFoundError);
    });

    it('resumes a replay interrupted by a restart', async () => {
      // Prepare
      putAll(
        h.rt,
        Array.from({ length: 600 }, (_, i) => onShop(i)),
      );
      await h.rt.runUntilIdle({ timeoutMs: 30_000 });
      h.rt.startReplay({ name: 'resumed', archive: 'shop-archive', from: now(), to: now() });

      // Act: close before the replay ran, open again, wire the handlers again.
      h.reopen();
      wireShop();
      await h.rt.runUntilIdle({ timeoutMs: 30_000 });

      // Assess
      expect(h.rt.describeReplay('resumed')).toMatchObject({
        state: 'COMPLETED',
        eventsReplayed: 600,
      });
      expect(received.ledger?.filter((r) => r.replay === 'resumed')).toHaveLength(600);
    });
  });
});
