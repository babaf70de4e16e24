import type { CustomerWrite, RecordOutcome, TransactionRow } from '../ports.ts';

/** Customers whose written address one run remembers. @default 100_000 */
const DEFAULT_REMEMBERED_CUSTOMERS = 100_000;

/**
 * The addresses one ingest run has written, so that a customer is written when first seen
 * in the run or when its address changes, not once per row: a file of a million rows over
 * ten thousand customers writes ten thousand customers. Memory is bounded: at most `limit`
 * customers are remembered, least recently seen forgotten first; a forgotten customer is
 * only written again when next seen (a write too many, never one too few).
 *
 * A new run starts with nothing remembered, so a run redelivered after a crash writes every
 * customer of the rows it accepts again: a crash between recording rows and writing their
 * customers loses no address.
 *
 * @example const writes = new CustomerWrites(); const due = writes.dueFor(rows, outcomes);
 */
class CustomerWrites {
  readonly #written = new Map<string, string>();
  readonly #limit: number;

  constructor(limit = DEFAULT_REMEMBERED_CUSTOMERS) {
    this.#limit = limit;
  }

  /**
   * The customers of a recorded batch's accepted rows that need writing: each with the
   * address (and line) of its last accepted row in the batch, unless that is the address this
   * run last wrote. Call {@link remember} once they are written.
   */
  dueFor(rows: readonly TransactionRow[], outcomes: readonly RecordOutcome[]): CustomerWrite[] {
    const latest = new Map<string, TransactionRow>();
    rows.forEach((row, i) => {
      if (outcomes[i]?.kind === 'accepted') latest.set(row.customerId, row);
    });
    const due: CustomerWrite[] = [];
    for (const [customerId, { customerAddress: address, line }] of latest) {
      const written = this.#written.get(customerId);
      if (written !== undefined) this.#touch(customerId, written);
      if (written !== address) due.push({ customerId, address, line });
    }
    return due;
  }

  /** Remembers that these customers were written with these addresses. */
  remember(customers: readonly CustomerWrite[]): void {
    for (const { customerId, address } of customers) this.#touch(customerId, address);
  }

  #touch(customerId: string, address: string): void {
    this.#written.delete(customerId);
    this.#written.set(customerId, address);
    if (this.#written.size > this.#limit) {
      const oldest = this.#written.keys().next();
      if (!oldest.done) this.#written.delete(oldest.value);
    }
  }
}

export { CustomerWrites, DEFAULT_REMEMBERED_CUSTOMERS };
