import { resolveManifest } from '@txnflow/contracts';
import type { LocalService } from '../services.ts';
import { deadLetterQueuesOf } from '../wire.ts';

/** What a service does with what a rule hands it: ingest runs a file, ledger books, alerting alerts. */
type ServiceStep = 'ingest-run' | 'ledger-entry' | 'alert';

/** How txnflow's services are wired, as far as a trace needs to know. */
interface Topology {
  /** Rules whose target is a service's handler or its queue consumer, with what it does. */
  readonly consumers: ReadonlyMap<string, ServiceStep>;
  /** Every dead-letter queue the wiring creates. */
  readonly deadLetterQueues: readonly string[];
  /** Queues an event source mapping consumes (their messages are gone once handled). */
  readonly consumedQueues: ReadonlySet<string>;
}

const STEP_OF_SERVICE: Readonly<Record<string, ServiceStep>> = {
  ingest: 'ingest-run',
  ledger: 'ledger-entry',
  alerting: 'alert',
};

/**
 * The topology of the services, from their manifests, as the wiring builds it.
 *
 * @example topologyOf(localServices).consumers.get('TransactionRecordedToLedger') // 'ledger-entry'
 */
function topologyOf(services: readonly LocalService[]): Topology {
  const consumers = new Map<string, ServiceStep>();
  const consumedQueues = new Set<string>();
  for (const service of services) {
    const manifest = resolveManifest(service.manifest);
    for (const s of manifest.subscriptions) {
      if (s.target.kind === 'queue') continue;
      const step = STEP_OF_SERVICE[manifest.service];
      if (step) consumers.set(s.rule, step);
      if (s.target.kind === 'queue-consumer') consumedQueues.add(s.target.queue);
    }
  }
  return { consumers, deadLetterQueues: deadLetterQueuesOf(services), consumedQueues };
}

export type { ServiceStep, Topology };
export { topologyOf };
