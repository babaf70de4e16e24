import type { LedgerEntry } from '../../ports.ts';

/**
 * A committed entry kept in its customer's balance item (`pending`) until it is written as an
 * item of its own. Stored as a list of values rather than a map of named attributes: DynamoDB
 * bills an item by its size, names included, and a batch of one customer's rows keeps many.
 */
type PendingTuple = readonly [
  transactionId: string,
  transactionDate: string,
  amountCents: number,
  balanceBeforeCents: number,
  balanceAfterCents: number,
  version: number,
  thresholdCents: number,
  crossedThreshold: boolean,
  alertPublished: boolean,
];

/**
 * An entry as it sits in `pending`.
 *
 * @example toPendingTuple(entry) // ['T1', '2023-03-01', 100, 0, 100, 1, 150000, false, false]
 */
function toPendingTuple(entry: LedgerEntry): PendingTuple {
  return [
    entry.transactionId,
    entry.transactionDate,
    entry.amountCents,
    entry.balanceBeforeCents,
    entry.balanceAfterCents,
    entry.version,
    entry.thresholdCents,
    entry.crossedThreshold,
    entry.alertPublished,
  ];
}

/**
 * The entry a `pending` value holds, exactly as it was committed.
 *
 * @example fromPendingTuple('C1', ['T1', '2023-03-01', 100, 0, 100, 1, 150000, false, false]).version // 1
 */
function fromPendingTuple(customerId: string, tuple: readonly unknown[]): LedgerEntry {
  const [id, date, amount, before, after, version, threshold, crossed, published] = tuple;
  return {
    customerId,
    transactionId: String(id),
    transactionDate: String(date),
    amountCents: Number(amount),
    balanceBeforeCents: Number(before),
    balanceAfterCents: Number(after),
    version: Number(version),
    thresholdCents: Number(threshold),
    crossedThreshold: crossed === true,
    alertPublished: published === true,
  };
}

/** The entries a balance item holds in `pending` (none when it has no such attribute). */
function pendingEntriesOf(item: Readonly<Record<string, unknown>>): LedgerEntry[] {
  const pending = item.pending;
  if (!Array.isArray(pending)) return [];
  const customerId = String(item.customerId);
  return pending.map((tuple: unknown) =>
    fromPendingTuple(customerId, Array.isArray(tuple) ? tuple : []),
  );
}

export type { PendingTuple };
export { fromPendingTuple, pendingEntriesOf, toPendingTuple };
