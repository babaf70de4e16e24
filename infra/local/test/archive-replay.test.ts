import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  IllegalStatusError,
  LimitExceededError,
  MAX_CONCURRENT_REPLAYS,
  ManualClock,
  ReplayState,
  ResourceAlreadyExistsError,
  ResourceNotFoundError,
  ValidationError,
} from '../index.ts';
import { IDLE, order, putAll, RuntimeHarness } from './support/harness.ts';

describe('Class: LocalRuntime', () => {
  let h: RuntimeHarness;
  let clock: ManualClock;
  const now = () => new Date(clock.now());
  /** A replay window holding the events put now (a window must start before it ends). */
  const aroundNow = () => ({ from: now(), to: new Date(clock.now() + 1000) });
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
      h.rt.startReplay({ name: 'again', archive: 'shop-archive', ...aroundNow() });
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
    it('re-sends the events of the window, with replay-name, to the named rules only', async () => {
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

    it('runs in the background, as StartReplay does: no one needs to wait for idle', async () => {
      const replayed = new Promise<string>((resolve) => {
        h.rt.registerHandler('ledger', async (event) => {
          const e = event as { 'replay-name'?: string };
          if (e['replay-name']) resolve(e['replay-name']);
        });
      });
      putAll(h.rt, [onShop(1)]);
      await h.rt.runUntilIdle(IDLE);

      h.rt.startReplay({ name: 'background', archive: 'shop-archive', ...aroundNow() });

      // Nothing waits for idle here: the replay must move on its own.
      expect(await replayed).toBe('background');
    });

    it('replays to every rule of the bus by default, and patterns see replay-name', async () => {
      // Prepare
      putAll(h.rt, [onShop(1)]);
      await h.rt.runUntilIdle(IDLE);
      received.ledger = [];
      received.notifier = [];

      // Act
      h.rt.startReplay({ name: 'all-rules', archive: 'shop-archive', ...aroundNow() });
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
      h.rt.startReplay({ name: 'once', archive: 'shop-archive', ...aroundNow() });

      // Act / Assess
      expect(() =>
        h.rt.startReplay({ name: 'once', archive: 'shop-archive', ...aroundNow() }),
      ).toThrow(ResourceAlreadyExistsError);
      expect(() => h.rt.startReplay({ name: 'x', archive: 'nope', ...aroundNow() })).toThrow(
        ResourceNotFoundError,
      );
      expect(() =>
        h.rt.startReplay({
          name: 'y',
          archive: 'shop-archive',
          ...aroundNow(),
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
      h.rt.startReplay({ name: 'resumed', archive: 'shop-archive', ...aroundNow() });

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

    // StartReplay: "A replay processes events to replay based on the time in the event".
    it('selects on the time the event carries, not on when it reached the bus', async () => {
      // Prepare: an event that says it happened on 1 March reaches the bus on 3 March.
      clock.advanceTo('2024-03-03T09:00:00.000Z');
      const [late] = putAll(h.rt, [
        order(1, { EventBusName: 'shop', Time: new Date('2024-03-01T08:30:00Z') }),
      ]);
      const [onTime] = putAll(h.rt, [onShop(2)]);
      await h.rt.runUntilIdle(IDLE);
      received.ledger = [];

      // Act
      h.rt.startReplay({
        name: 'first-of-march',
        archive: 'shop-archive',
        from: new Date('2024-03-01T08:00:00Z'),
        to: new Date('2024-03-01T09:00:00Z'),
      });
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(received.ledger).toEqual([{ id: late, orderId: 'o-1', replay: 'first-of-march' }]);
      expect(received.ledger?.map((r) => r.id)).not.toContain(onTime);
      expect(h.rt.describeReplay('first-of-march').eventsTotal).toBe(1);
    });

    it('lists archived events in a window of event times', () => {
      // Prepare
      clock.advanceTo('2024-03-03T09:00:00.000Z');
      const [late] = putAll(h.rt, [
        order(1, { EventBusName: 'shop', Time: new Date('2024-03-01T08:30:00Z') }),
      ]);
      putAll(h.rt, [onShop(2)]);

      // Act
      const listed = h.rt.listArchivedEvents({
        archive: 'shop-archive',
        from: new Date('2024-03-01T00:00:00Z'),
        to: new Date('2024-03-02T00:00:00Z'),
      });

      // Assess
      expect(listed.map((e) => [e.eventId, e.time, e.arrivedAt])).toEqual([
        [late, '2024-03-01T08:30:00Z', '2024-03-03T09:00:00.000Z'],
      ]);
    });

    // Recorded on AWS: "Parameter EventEndTime is not valid. Reason: EventStartTime must be
    // before EventEndTime." for an end equal to or before the start.
    it.each([
      ['ends when it starts', 0],
      ['ends before it starts', -1000],
    ])('refuses a window that %s, as AWS does', (_what, length) => {
      const act = () =>
        h.rt.startReplay({
          name: 'bad-window',
          archive: 'shop-archive',
          from: now(),
          to: new Date(clock.now() + length),
        });

      expect(act).toThrow(
        new ValidationError(
          'Parameter EventEndTime is not valid. Reason: EventStartTime must be before EventEndTime.',
        ),
      );
    });

    it('runs at most 10 replays at once and says so', () => {
      // Prepare
      for (let i = 0; i < MAX_CONCURRENT_REPLAYS; i += 1) {
        h.rt.startReplay({ name: `r${i}`, archive: 'shop-archive', ...aroundNow() });
      }

      // Act
      const act = () => h.rt.startReplay({ name: 'r10', archive: 'shop-archive', ...aroundNow() });

      // Assess
      expect(MAX_CONCURRENT_REPLAYS).toBe(10);
      expect(act).toThrow(LimitExceededError);
      expect(act).toThrow(/At most 10 replays run at once .* under way now: r0, r1, .*r9\./);
    });

    it('starts an eleventh replay once one of the ten has ended', async () => {
      // Prepare
      for (let i = 0; i < MAX_CONCURRENT_REPLAYS; i += 1) {
        h.rt.startReplay({ name: `r${i}`, archive: 'shop-archive', ...aroundNow() });
      }
      await h.rt.runUntilIdle(IDLE);

      // Act
      const started = h.rt.startReplay({ name: 'r10', archive: 'shop-archive', ...aroundNow() });

      // Assess
      expect(started.state).toBe(ReplayState.Starting);
    });
  });

  describe('Method: cancelReplay', () => {
    it('stops a replay: CANCELLING at once, CANCELLED once it has stopped, nothing more replayed', async () => {
      // Prepare
      putAll(h.rt, [onShop(1), onShop(2)]);
      await h.rt.runUntilIdle(IDLE);
      received.ledger = [];
      h.rt.startReplay({ name: 'stopped', archive: 'shop-archive', ...aroundNow() });

      // Act
      const cancelled = h.rt.cancelReplay('stopped');
      const meanwhile = h.rt.describeReplay('stopped').state;
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(cancelled).toEqual({
        replayArn: expect.stringMatching(/:replay\/stopped$/),
        state: ReplayState.Cancelling,
      });
      expect(meanwhile).toBe(ReplayState.Cancelling);
      expect(h.rt.describeReplay('stopped')).toMatchObject({
        state: ReplayState.Cancelled,
        eventsReplayed: 0,
        completedAt: now(),
      });
      expect(received.ledger).toEqual([]);
    });

    it('refuses to cancel a replay that has ended, and one that does not exist', async () => {
      // Prepare
      h.rt.startReplay({ name: 'done', archive: 'shop-archive', ...aroundNow() });
      await h.rt.runUntilIdle(IDLE);

      // Act / Assess
      expect(() => h.rt.cancelReplay('done')).toThrow(IllegalStatusError);
      expect(() => h.rt.cancelReplay('never')).toThrow(ResourceNotFoundError);
    });

    it('frees its place among the 10 once cancelled', async () => {
      // Prepare
      for (let i = 0; i < MAX_CONCURRENT_REPLAYS; i += 1) {
        h.rt.startReplay({ name: `r${i}`, archive: 'shop-archive', ...aroundNow() });
      }

      // Act
      h.rt.cancelReplay('r3');
      await h.rt.runUntilIdle(IDLE);

      // Assess
      expect(h.rt.startReplay({ name: 'r10', archive: 'shop-archive', ...aroundNow() }).state).toBe(
        ReplayState.Starting,
      );
    });
  });
});
