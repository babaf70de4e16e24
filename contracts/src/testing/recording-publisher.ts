import type { ContractEvent, EventPublisher } from '../publishing.ts';

/**
 * A test double of the EventPublisher port: records what was published and can be told
 * to fail the next calls, as an unavailable EventBridge would. Shared by the services'
 * tests (`@txnflow/contracts/testing`), never used by production code.
 *
 * @example const publisher = new RecordingPublisher(); publisher.failuresLeft = 1;
 */
class RecordingPublisher implements EventPublisher {
  readonly published: ContractEvent[] = [];
  failuresLeft = 0;

  async publish(events: readonly ContractEvent[]): Promise<void> {
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('EventBridge unavailable');
    }
    this.published.push(...events);
  }
}

export { RecordingPublisher };
