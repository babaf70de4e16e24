import type { Clock, ClockTimer } from './clock.ts';
import { IdleTimeoutError, RuntimeClosedError } from './errors.ts';

/** A part of the runtime with work to drive: the dispatcher, queue mappings, replays. */
interface Worker {
  /** Does a bounded amount of ready work; `true` when more is ready right away. */
  step(): boolean;
  /** Whether anything is pending; cheap, asked after every turn while someone waits. */
  busy(): boolean;
  /** What keeps it busy, in words for a timeout message; empty when idle. */
  pending(): string[];
  /** Whether work is under way (handler calls in flight) that wakes the scheduler when done. */
  working(): boolean;
  /** When timed work (a retry, a message turning visible) falls due, in the clock's ms. */
  nextWakeAt(): number | undefined;
  /** The timer for {@link nextWakeAt} went off. */
  timerFired?(): void;
}

/** The group commit the turns open and commit (state/group-commit.ts); absent, none. */
interface TurnGroup {
  begin(): void;
  commitIfDue(): void;
  commit(): boolean;
  rollback(): void;
}

interface Waiter {
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
  readonly timer: ClockTimer;
}

/**
 * Drives the workers: one turn per `setImmediate` while there is known work (no polling), a
 * single clock timer for the earliest timed work, and `runUntilIdle` waiters resolved when
 * every worker is idle. Each turn first flushes buffered completions. With a `group`, a turn
 * opens the group commit (unless one is open; it commits one that is due first), and the
 * work of the turn and of the handlers it starts joins it; the group is committed when
 * nothing is left in flight, and always before a waiter is settled, so what `runUntilIdle`
 * reports done is durable. When someone waits and only timed work is left, a simulated clock
 * is skipped to its next timer: time is the clock's, never a sleep.
 *
 * @example const scheduler = new Scheduler([dispatcher, mappings], () => completions.flush(), systemClock, group);
 */
class Scheduler {
  readonly #workers: readonly Worker[];
  readonly #flush: () => void;
  readonly #clock: Clock;
  readonly #group: TurnGroup | undefined;
  readonly #waiters = new Set<Waiter>();
  #scheduled = false;
  #timer: ClockTimer | undefined;
  #timerAt = Number.POSITIVE_INFINITY;
  #closed = false;
  #failure: { error: unknown } | undefined;

  constructor(workers: readonly Worker[], flush: () => void, clock: Clock, group?: TurnGroup) {
    this.#workers = workers;
    this.#flush = flush;
    this.#clock = clock;
    this.#group = group;
  }

  /** There is (or may be) work: run a turn soon. Cheap to call often; turns coalesce. */
  wake(): void {
    if (this.#scheduled || this.#closed || this.#failure) return;
    this.#scheduled = true;
    setImmediate(() => this.#turn());
  }

  /**
   * Resolves once every worker is idle; rejects with {@link IdleTimeoutError} listing what is
   * still pending after `timeoutMs` of the clock's time, or with the error that stopped the
   * runtime.
   */
  waitUntilIdle(timeoutMs: number): Promise<void> {
    if (this.#closed) return Promise.reject(new RuntimeClosedError());
    if (this.#failure) return Promise.reject(this.#failure.error);
    return new Promise<void>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        timer: this.#clock.setTimer(this.#clock.now() + timeoutMs, () => {
          this.#waiters.delete(waiter);
          try {
            this.#group?.commit();
          } catch (error) {
            this.fail(error);
          }
          reject(new IdleTimeoutError(timeoutMs, this.pending()));
        }),
      };
      waiter.timer.holdProcess(true);
      this.#waiters.add(waiter);
      // A pending timer must keep the process alive while someone waits for it.
      this.#timer?.holdProcess(true);
      this.wake();
    });
  }

  /** Everything still pending, across workers. */
  pending(): string[] {
    return this.#workers.flatMap((worker) => worker.pending());
  }

  /** Stops the runtime: a bug or a storage error is never swallowed, waiters get it. */
  fail(error: unknown): void {
    if (this.#failure || this.#closed) return;
    this.#failure = { error };
    // What the open group holds is lost, as in a crash: the next open delivers it again.
    this.#group?.rollback();
    this.#settle((waiter) => waiter.reject(error));
  }

  /** Stops turning; the caller commits what is still open (LocalRuntime.close). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    const closed = new RuntimeClosedError();
    this.#settle((waiter) => waiter.reject(closed));
  }

  #turn(): void {
    this.#scheduled = false;
    if (this.#closed || this.#failure) return;
    try {
      this.#group?.commitIfDue();
      this.#group?.begin();
      this.#flush();
      let more = false;
      for (const worker of this.#workers) more = worker.step() || more;
      if (more) {
        this.wake();
        return;
      }
      this.#flush();
      // Handlers in flight write into the group as they finish; with none, nothing will.
      if (!this.#workers.some((worker) => worker.working())) this.#group?.commit();
      if (this.#waiters.size > 0 && !this.#workers.some((worker) => worker.busy())) {
        this.#group?.commit();
        this.#settle((waiter) => waiter.resolve());
      }
      this.#armTimer();
      this.#skipToTimedWork();
    } catch (error) {
      this.fail(error);
    }
  }

  /** Nothing can happen before the next timer: a simulated clock need not wait for it. */
  #skipToTimedWork(): void {
    if (this.#waiters.size === 0 || !this.#clock.skipToNextTimer) return;
    if (this.#workers.some((worker) => worker.working())) return;
    this.#clock.skipToNextTimer();
  }

  #armTimer(): void {
    let at = Number.POSITIVE_INFINITY;
    for (const worker of this.#workers) at = Math.min(at, worker.nextWakeAt() ?? at);
    if (at === this.#timerAt && this.#timer) return;
    this.#clearTimer();
    if (at === Number.POSITIVE_INFINITY) return;
    this.#timerAt = at;
    this.#timer = this.#clock.setTimer(at, () => {
      this.#timer = undefined;
      this.#timerAt = Number.POSITIVE_INFINITY;
      for (const worker of this.#workers) worker.timerFired?.();
      this.wake();
    });
    // Timed work alone does not hold the process open unless someone waits for it.
    this.#timer.holdProcess(this.#waiters.size > 0);
  }

  #clearTimer(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#timerAt = Number.POSITIVE_INFINITY;
  }

  #settle(action: (waiter: Waiter) => void): void {
    for (const waiter of this.#waiters) {
      waiter.timer.cancel();
      action(waiter);
    }
    this.#waiters.clear();
    if (this.#closed || this.#failure) this.#clearTimer();
  }
}

export type { TurnGroup, Worker };
export { Scheduler };
