/**
 * Ids waiting for a time (retries waiting out their backoff), earliest first: a binary heap,
 * so that thousands of retries cost log n each instead of a timer apiece.
 *
 * @example const due = new DueQueue(); due.push(7, Date.now() + 50); due.popDue(Date.now() + 60) // [7]
 */
class DueQueue {
  readonly #ids: number[] = [];
  readonly #times: number[] = [];

  get size(): number {
    return this.#ids.length;
  }

  /** When the earliest entry falls due, or `undefined` when empty. */
  nextAt(): number | undefined {
    return this.#times[0];
  }

  push(id: number, dueAt: number): void {
    this.#ids.push(id);
    this.#times.push(dueAt);
    let at = this.#ids.length - 1;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      if ((this.#times[parent] ?? 0) <= dueAt) break;
      this.#swap(at, parent);
      at = parent;
    }
  }

  /** Removes and answers every id due at or before `now`, earliest first. */
  popDue(now: number, limit = Number.POSITIVE_INFINITY): number[] {
    const due: number[] = [];
    while (due.length < limit && this.#ids.length > 0 && (this.#times[0] ?? 0) <= now) {
      due.push(this.#ids[0] ?? 0);
      this.#removeTop();
    }
    return due;
  }

  #removeTop(): void {
    const lastId = this.#ids.pop() ?? 0;
    const lastTime = this.#times.pop() ?? 0;
    if (this.#ids.length === 0) return;
    this.#ids[0] = lastId;
    this.#times[0] = lastTime;
    let at = 0;
    for (;;) {
      const left = at * 2 + 1;
      const right = left + 1;
      let smallest = at;
      if (left < this.#ids.length && (this.#times[left] ?? 0) < (this.#times[smallest] ?? 0)) {
        smallest = left;
      }
      if (right < this.#ids.length && (this.#times[right] ?? 0) < (this.#times[smallest] ?? 0)) {
        smallest = right;
      }
      if (smallest === at) return;
      this.#swap(at, smallest);
      at = smallest;
    }
  }

  #swap(a: number, b: number): void {
    const id = this.#ids[a] ?? 0;
    const time = this.#times[a] ?? 0;
    this.#ids[a] = this.#ids[b] ?? 0;
    this.#times[a] = this.#times[b] ?? 0;
    this.#ids[b] = id;
    this.#times[b] = time;
  }
}

export { DueQueue };
