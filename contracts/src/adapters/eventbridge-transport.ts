import { type EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import type { PutEventsEntry, PutEventsResult, PutEventsTransport } from '../publishing.ts';

/**
 * The PutEvents transport for {@link createEventPublisher} on AWS: one PutEvents call per
 * chunk it is given (the publisher already cuts 10-entry chunks, checks sizes and retries
 * only the entries that failed). The client's own retries cover whole-call throttling; a
 * call that still fails throws, and the publisher's caller sees it.
 *
 * @example createEventPublisher({ transport: createEventBridgeTransport(new EventBridgeClient({})), eventBusName })
 */
function createEventBridgeTransport(client: EventBridgeClient): PutEventsTransport {
  return async (entries: readonly PutEventsEntry[]): Promise<PutEventsResult> => {
    const output = await client.send(
      new PutEventsCommand({
        Entries: entries.map((entry) => ({
          Source: entry.Source,
          DetailType: entry.DetailType,
          Detail: entry.Detail,
          EventBusName: entry.EventBusName,
        })),
      }),
    );
    return {
      FailedEntryCount: output.FailedEntryCount ?? 0,
      Entries: (output.Entries ?? []).map((result) => ({
        EventId: result.EventId,
        ErrorCode: result.ErrorCode,
        ErrorMessage: result.ErrorMessage,
      })),
    };
  };
}

export { createEventBridgeTransport };
