import {
  EventBridgeClient,
  InternalException,
  PutEventsCommand,
  type PutEventsCommandOutput,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createEventBridgeTransport } from '../../src/adapters/eventbridge-transport.ts';
import { buildEvent, createEventPublisher, PublishFailedError } from '../../src/publishing.ts';

const eventBridge = mockClient(EventBridgeClient);

const recorded = (transactionId: string) =>
  buildEvent(
    'TransactionRecorded',
    {
      customerId: 'C1',
      customerAddress: '12 Harbour Road, Leith',
      transactionId,
      transactionDate: '2023-03-01',
      amount: '100.00',
      source: { bucket: 'uploads', key: 'incoming/t.txt', line: 2 },
    },
    { correlationId: 'file-1', causationId: 'object-created-1' },
  );

const ok = (count: number, from = 0): PutEventsCommandOutput => ({
  $metadata: {},
  FailedEntryCount: 0,
  Entries: Array.from({ length: count }, (_, i) => ({ EventId: `id-${from + i}` })),
});

const publisherOver = (client: EventBridgeClient) =>
  createEventPublisher({
    transport: createEventBridgeTransport(client),
    eventBusName: 'txnflow-test',
    sleep: async () => {},
  });

describe('Function: createEventBridgeTransport', () => {
  beforeEach(() => {
    eventBridge.reset();
  });

  it('sends one PutEvents call with each entry as EventBridge spells it', async () => {
    eventBridge.on(PutEventsCommand).resolves(ok(1));
    const event = recorded('T1');

    await publisherOver(new EventBridgeClient({})).publish([event]);

    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]?.args[0].input).toEqual({
      Entries: [
        {
          Source: 'txnflow.ingest',
          DetailType: 'TransactionRecorded',
          Detail: JSON.stringify(event.detail),
          EventBusName: 'txnflow-test',
        },
      ],
    });
  });

  it('sends 25 events in PutEvents calls of at most 10 entries', async () => {
    eventBridge.on(PutEventsCommand).callsFake((input: { Entries: unknown[] }) => ({
      FailedEntryCount: 0,
      Entries: input.Entries.map((_, i) => ({ EventId: `id-${i}` })),
    }));
    const events = Array.from({ length: 25 }, (_, i) => recorded(`T${i}`));

    await publisherOver(new EventBridgeClient({})).publish(events);

    const sizes = eventBridge
      .commandCalls(PutEventsCommand)
      .map((call) => call.args[0].input.Entries?.length);
    expect(sizes.sort()).toEqual([10, 10, 5]);
  });

  it('resends only the entries that failed, until they go through', async () => {
    eventBridge
      .on(PutEventsCommand)
      .resolvesOnce({
        FailedEntryCount: 1,
        Entries: [
          { EventId: 'id-0' },
          { ErrorCode: 'ThrottlingException', ErrorMessage: 'Rate exceeded' },
          { EventId: 'id-2' },
        ],
      })
      .resolvesOnce(ok(1, 3));
    const events = [recorded('T0'), recorded('T1'), recorded('T2')];

    await publisherOver(new EventBridgeClient({})).publish(events);

    const calls = eventBridge.commandCalls(PutEventsCommand);
    expect(calls).toHaveLength(2);
    const resent = calls[1]?.args[0].input.Entries ?? [];
    expect(resent.map((e) => JSON.parse(e.Detail ?? '{}').data.transactionId)).toEqual(['T1']);
  });

  it('reports entries that still fail after the last attempt, with their error code', async () => {
    eventBridge.on(PutEventsCommand).resolves({
      FailedEntryCount: 1,
      Entries: [{ ErrorCode: 'InternalFailure', ErrorMessage: 'try again' }],
    });

    const publishing = publisherOver(new EventBridgeClient({})).publish([recorded('T1')]);

    await expect(publishing).rejects.toThrowError(PublishFailedError);
    await expect(publishing).rejects.toThrowError('InternalFailure');
    expect(eventBridge.commandCalls(PutEventsCommand)).toHaveLength(5);
  });

  it('lets a whole-call failure reach the caller', async () => {
    eventBridge
      .on(PutEventsCommand)
      .rejects(new InternalException({ message: 'service unavailable', $metadata: {} }));

    const transport = createEventBridgeTransport(new EventBridgeClient({ maxAttempts: 1 }));

    await expect(
      transport([{ Source: 's', DetailType: 'd', Detail: '{}', EventBusName: 'b' }]),
    ).rejects.toThrowError('service unavailable');
  });
});
