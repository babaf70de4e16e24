/** A timer set on a {@link Clock}. */
interface ClockTimer {
  cancel(): void;
  /** Whether the pending timer keeps the Node.js process alive (the real clock's ref/unref). */
  holdProcess(hold: boolean): void;
}

/**
 * Time, as the runtime sees it: it stamps events and messages and times every delay (retry
 * backoff, visibility timeouts, the idle timeout). The runtime takes one as a port: the
 * system clock by default, a {@link ManualClock} in tests, which then drive time instead of
 * sleeping.
 */
interface Clock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Calls `fire` once, when this clock reaches `at` (milliseconds since the epoch). */
  setTimer(at: number, fire: () => void): ClockTimer;
  /**
   * Moves time on to the earliest timer and fires it, if this clock can (a simulated one);
   * answers whether it did. The runtime asks when only timed work is left and someone waits
   * for it to be idle. The system clock cannot, and waits.
   */
  skipToNextTimer?(): boolean;
}

/**
 * The wall clock: `Date.now()` and `setTimeout`.
 *
 * @example const rt = LocalRuntime.open({ stateDir, clock: systemClock });
 */
const systemClock: Clock = {
  now: () => Date.now(),
  setTimer(at, fire) {
    const timeout = setTimeout(fire, Math.max(0, at - Date.now()));
    return {
      cancel: () => clearTimeout(timeout),
      holdProcess: (hold) => {
        if (hold) timeout.ref();
        else timeout.unref();
      },
    };
  },
};

interface ManualTimer {
  readonly at: number;
  readonly order: number;
  readonly fire: () => void;
  cancelled: boolean;
}

/**
 * A clock that stands still until told to move: `advance(ms)` fires the timers that fall due,
 * in time order, each seeing `now()` at its own time. A runtime waiting for idle with nothing
 * left but timed work skips it to the next timer, so a retry or a visibility timeout costs
 * no real time and a slow machine changes nothing.
 *
 * @example const clock = new ManualClock('2024-03-01T12:00:00Z'); clock.advance(30_000);
 */
class ManualClock implements Clock {
  #now: number;
  #timers: ManualTimer[] = [];
  #order = 0;

  constructor(start: number | string | Date = 0) {
    this.#now = typeof start === 'number' ? start : new Date(start).getTime();
    if (!Number.isFinite(this.#now)) throw new RangeError(`not a time: ${String(start)}`);
  }

  now(): number {
    return this.#now;
  }

  setTimer(at: number, fire: () => void): ClockTimer {
    const timer: ManualTimer = { at, order: this.#order++, fire, cancelled: false };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
      holdProcess: () => {},
    };
  }

  /** Moves time forward to `time`, firing every timer that falls due on the way. */
  advanceTo(time: number | string | Date): void {
    const at = typeof time === 'number' ? time : new Date(time).getTime();
    this.advance(at - this.#now);
  }

  /** Moves time forward by `ms`, firing every timer that falls due on the way. */
  advance(ms: number): void {
    if (!(ms >= 0)) throw new RangeError(`a clock only moves forward, not by ${ms} ms`);
    const until = this.#now + ms;
    for (let next = this.#nextDue(until); next; next = this.#nextDue(until)) {
      this.#now = Math.max(this.#now, next.at);
      next.fire();
    }
    this.#now = until;
  }

  skipToNextTimer(): boolean {
    const next = this.#nextDue(Number.POSITIVE_INFINITY);
    if (!next) return false;
    this.#now = Math.max(this.#now, next.at);
    next.fire();
    return true;
  }

  /** Timers set and neither fired nor cancelled. */
  get pendingTimers(): number {
    return this.#timers.filter((t) => !t.cancelled).length;
  }

  /** Takes the earliest live timer due at or before `until` off the list. */
  #nextDue(until: number): ManualTimer | undefined {
    this.#timers = this.#timers.filter((t) => !t.cancelled);
    let next: ManualTimer | undefined;
    for (const timer of this.#timers) {
      if (timer.at > until) continue;
      if (!next || timer.at < next.at || (timer.at === next.at && timer.order < next.order)) {
        next = timer;
      }
    }
    if (next) next.cancelled = true;
    return next;
  }
}

export type { Clock, ClockTimer };
export { ManualClock, systemClock };
