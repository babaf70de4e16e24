import { describe, expect, it } from 'vitest';
import { CustomerWrites } from '../../src/domain/customer-writes.ts';
import type { RecordOutcome } from '../../src/ports.ts';
import { row } from '../support/fakes.ts';

const accepted: RecordOutcome = { kind: 'accepted', published: false };
const duplicate: RecordOutcome = { kind: 'duplicate', published: true };
const conflict: RecordOutcome = {
  kind: 'conflict',
  existing: { transactionDate: '2023-03-01', amountCents: 1 },
};
const rowOf = (customerId: string, customerAddress = `${customerId} Street`, line = 2) =>
  row({ customerId, customerAddress, line });

describe('Class: CustomerWrites', () => {
  it('asks for a customer the first time an accepted row shows it, with its last address in the batch and its line', () => {
    const writes = new CustomerWrites();

    const due = writes.dueFor(
      [rowOf('C1', 'Old', 2), rowOf('C2', 'C2 Street', 3), rowOf('C1', 'New', 4)],
      [accepted, accepted, accepted],
    );

    expect(due).toEqual([
      { customerId: 'C1', address: 'New', line: 4 },
      { customerId: 'C2', address: 'C2 Street', line: 3 },
    ]);
  });

  it('asks again only when the address changes from the one written', () => {
    const writes = new CustomerWrites();
    writes.remember(writes.dueFor([rowOf('C1', 'Old')], [accepted]));

    expect(writes.dueFor([rowOf('C1', 'Old')], [accepted])).toEqual([]);
    expect(writes.dueFor([rowOf('C1', 'New')], [accepted])).toEqual([
      { customerId: 'C1', address: 'New', line: 2 },
    ]);
  });

  it('ignores the customers of rows that were not accepted', () => {
    const writes = new CustomerWrites();

    expect(writes.dueFor([rowOf('C1'), rowOf('C2')], [duplicate, conflict])).toEqual([]);
  });

  it('forgets the least recently seen customer past its limit, and asks for it again when seen', () => {
    const writes = new CustomerWrites(2);
    for (const customerId of ['C1', 'C2']) {
      writes.remember(writes.dueFor([rowOf(customerId)], [accepted]));
    }
    writes.dueFor([rowOf('C1')], [accepted]); // C1 seen again: C2 is now the oldest
    writes.remember(writes.dueFor([rowOf('C3')], [accepted]));

    expect(writes.dueFor([rowOf('C1')], [accepted])).toEqual([]);
    expect(writes.dueFor([rowOf('C2')], [accepted])).toEqual([
      { customerId: 'C2', address: 'C2 Street', line: 2 },
    ]);
  });
});
