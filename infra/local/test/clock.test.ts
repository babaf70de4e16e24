import { describe, expect, it } from 'vitest';
import { ManualClock, systemClock } from '../index.ts';

const START = Date.parse('2024-03-01T12:00:00.000Z');

describe('Class: ManualClock', () => {
  it('stands still until advanced', () => {
    const clock = new ManualClock('2024-03-01T12:00:00.000Z');

    expect(clock.now()).toBe(START);
    clock.advance(1500);
    expect(clock.now()).toBe(START + 1500);
    clock.advanceTo('2024-03-01T13:00:00.000Z');
    expect(clock.now()).toBe(START + 3_600_000);
  });

  it('fires the timers that fall due, earliest first, each at its own time', () => {
    // Prepare
    const clock = new ManualClock(START);
    const fired: [string, number][] = [];
    clock.setTimer(START + 30, () => fired.push(['b', clock.now()]));
    clock.setTimer(START + 10, () => fired.push(['a', clock.now()]));
    clock.setTimer(START + 30, () => fired.push(['c', clock.now()]));
    clock.setTimer(START + 50, () => fired.push(['late', clock.now()]));

    // Act
    clock.advance(40);

    // Assess: same-time timers in the order they were set; the late one waits.
    expect(fired).toEqual([
      ['a', START + 10],
      ['b', START + 30],
      ['c', START + 30],
    ]);
    expect(clock.now()).toBe(START + 40);
    expect(clock.pendingTimers).toBe(1);
  });

  it('fires a timer that a firing timer sets, when it falls due within the same advance', () => {
    const clock = new ManualClock(START);
    const fired: number[] = [];
    clock.setTimer(START + 10, () => {
      fired.push(clock.now());
      clock.setTimer(clock.now() + 10, () => fired.push(clock.now()));
    });

    clock.advance(25);

    expect(fired).toEqual([START + 10, START + 20]);
  });

  it('never fires a cancelled timer', () => {
    const clock = new ManualClock(START);
    let fired = false;
    const timer = clock.setTimer(START + 10, () => {
      fired = true;
    });

    timer.cancel();
    clock.advance(100);

    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });

  it('skips to the next timer and fires it, or answers false when there is none', () => {
    const clock = new ManualClock(START);
    let fired = 0;
    clock.setTimer(START + 5_000, () => {
      fired += 1;
    });

    expect(clock.skipToNextTimer()).toBe(true);
    expect(clock.now()).toBe(START + 5_000);
    expect(fired).toBe(1);
    expect(clock.skipToNextTimer()).toBe(false);
    expect(clock.now()).toBe(START + 5_000);
  });

  it('refuses to go back in time or to start at a time that is not one', () => {
    const clock = new ManualClock(START);

    expect(() => clock.advance(-1)).toThrow(RangeError);
    expect(() => clock.advanceTo(START - 1)).toThrow(RangeError);
    expect(() => new ManualClock('not a date')).toThrow(RangeError);
  });
});

describe('Constant: systemClock', () => {
  it('reads the wall clock and cannot skip time', () => {
    const before = Date.now();
    const now = systemClock.now();

    expect(now).toBeGreaterThanOrEqual(before);
    expect(now).toBeLessThanOrEqual(Date.now());
    expect(systemClock.skipToNextTimer).toBeUndefined();
  });
});
