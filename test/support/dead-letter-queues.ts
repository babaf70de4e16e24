import { localServices } from '../../infra/local-app/services.ts';
import { dlqOf } from '../../infra/local-app/wire.ts';

/**
 * Every dead-letter queue the local wiring creates, read off the manifests as the wiring
 * reads them: one per queue, one per rule target.
 *
 * @example for (const dlq of deadLetterQueueNames()) await cli.run('redrive', dlq);
 */
function deadLetterQueueNames(): string[] {
  return localServices.flatMap(({ manifest }) => [
    ...manifest.queues.map((queue) => dlqOf(queue.name)),
    ...manifest.subscriptions.map((subscription) => dlqOf(subscription.rule)),
  ]);
}

export { deadLetterQueueNames };
