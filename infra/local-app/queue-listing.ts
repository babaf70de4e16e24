import { resolveManifest } from '@txnflow/contracts';
import type { QueueDepth } from '../local/index.ts';
import type { LocalService } from './services.ts';

/** A queue as `txnflow queues` lists it. */
type QueueListing = {
  readonly queue: string;
  /** Messages a receive would get now (ApproximateNumberOfMessages). */
  readonly visible: number;
  /** Received and not deleted yet, or waiting out a failure (…NotVisible). */
  readonly inFlight: number;
  /** For a dead-letter queue, whose messages it takes: `queue LedgerTransactions`, `rule X`. */
  readonly deadLetterOf?: string;
};

/**
 * What each dead-letter queue of the services takes the failures of: a queue's (after its
 * last receive) or a rule's (after its target's last retry), from the resolved manifests,
 * the dead-letter queues `manifestDeadLetterQueues` lists.
 *
 * @example deadLetterSources(localServices).get('LedgerTransactionsDLQ') // 'queue LedgerTransactions'
 */
function deadLetterSources(services: readonly LocalService[]): ReadonlyMap<string, string> {
  const sources = new Map<string, string>();
  for (const { manifest } of services) {
    const resolved = resolveManifest(manifest);
    for (const q of resolved.queues) sources.set(q.deadLetterQueue.name, `queue ${q.name}`);
    for (const s of resolved.subscriptions) sources.set(s.deadLetterQueue.name, `rule ${s.rule}`);
  }
  return sources;
}

/**
 * Every queue with its depth, each dead-letter queue saying whose failures it takes.
 *
 * @example listQueueDepths(runtime.listQueues(), localServices)
 */
function listQueueDepths(
  depths: readonly QueueDepth[],
  services: readonly LocalService[],
): QueueListing[] {
  const sources = deadLetterSources(services);
  return depths.map((d) => {
    const source = sources.get(d.name);
    return {
      queue: d.name,
      visible: d.visible,
      inFlight: d.inFlight,
      ...(source ? { deadLetterOf: source } : {}),
    };
  });
}

export type { QueueListing };
export { deadLetterSources, listQueueDepths };
