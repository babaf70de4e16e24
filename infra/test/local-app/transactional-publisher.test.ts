import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildEvent, type ContractEvent, PublishFailedError } from '@txnflow/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalRuntime } from '../../local/index.ts';
import { createTransactionalPublisher } from '../../local-app/transactional-publisher.ts';

function transactionRecorded(i: number): ContractEvent {
  return buildEvent(
    'TransactionRecorded',
    {
      customerId: 'C1',
      customerAddress: 'A',
      transactionId: `T${i}`,
      transactionDate: '2023-03-01',
      amount: '1.00',
      source: { bucket: 'b', key: 'k', line: i + 2 },
    },
    { correlationId: 'run', causationId: 'run' },
  );
}

describe('Function: createTransactionalPublisher', () => {
  let dir: string;
  let runtime: LocalRuntime;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-publisher-'));
    // The runtime's log stays quiet here: what it would say is checked through its listing.
    runtime = LocalRuntime.open({ stateDir: dir, log: { warn: () => {} } });
    runtime.createEventBus({ name: 'txnflow' });
    runtime.createArchive({ name: 'all', eventBusName: 'txnflow' });
  });
  afterEach(async () => {
    runtime.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('puts every event on the bus, in calls of at most 10 entries', async () => {
    const publisher = createTransactionalPublisher(runtime, 'txnflow');

    await publisher.publish(Array.from({ length: 25 }, (_v, i) => transactionRecorded(i)));

    expect(runtime.listArchivedEvents({ archive: 'all' })).toHaveLength(25);
  });

  it('reports the entries PutEvents refused, naming the error, and commits the others', async () => {
    const publisher = createTransactionalPublisher(runtime, 'txnflow');
    // A source PutEvents refuses (InvalidArgument); no contract event has one.
    const refused = { ...transactionRecorded(2), source: '' } as ContractEvent;

    const error = await publisher
      .publish([transactionRecorded(1), refused, transactionRecorded(3)])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishFailedError);
    expect((error as PublishFailedError).failures.map((f) => f.errorCode)).toEqual([
      'InvalidArgument',
    ]);
    expect(runtime.listArchivedEvents({ archive: 'all' })).toHaveLength(2);
  });

  it('puts to a bus that does not exist without an error, and the runtime keeps the dropped events', async () => {
    const publisher = createTransactionalPublisher(runtime, 'no-such-bus');

    await publisher.publish([transactionRecorded(1), transactionRecorded(2)]);

    expect(runtime.listArchivedEvents({ archive: 'all' })).toHaveLength(0);
    expect(runtime.listDroppedEvents().map((d) => d.eventBusName)).toEqual([
      'no-such-bus',
      'no-such-bus',
    ]);
  });
});
