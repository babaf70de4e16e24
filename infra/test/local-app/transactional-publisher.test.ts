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
    runtime = LocalRuntime.open({ stateDir: dir });
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

  it('reports the entries PutEvents refused, naming the error', async () => {
    const publisher = createTransactionalPublisher(runtime, 'no-such-bus');

    const error = await publisher
      .publish([transactionRecorded(1), transactionRecorded(2)])
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(PublishFailedError);
    expect((error as PublishFailedError).failures).toHaveLength(2);
    expect((error as PublishFailedError).failures[0]?.errorCode).not.toBe('Unknown');
  });
});
