import { join } from 'node:path';
import type { Database } from 'better-sqlite3';
import { Archives } from './archive/archive.ts';
import { Replays } from './archive/replay.ts';
import { Arns } from './arns.ts';
import { Buckets } from './bucket/bucket.ts';
import { EventBuses } from './bus/buses.ts';
import { EventIngest } from './bus/put-events.ts';
import { Rules } from './bus/rules.ts';
import type { Clock } from './clock.ts';
import { Completions } from './delivery/completions.ts';
import { Dispatcher } from './delivery/dispatcher.ts';
import { HandlerRegistry } from './delivery/handlers.ts';
import type { RetrySettings } from './delivery/retry.ts';
import type { FaultInjector } from './faults.ts';
import { EventSourceMappings } from './queues/event-source-mapping.ts';
import { Queues } from './queues/queue.ts';
import type { RuntimeLog } from './runtime-log.ts';
import { Scheduler } from './scheduler.ts';
import { Checkpointer } from './state/checkpointer.ts';
import { DATABASE_FILE, IdSequence } from './state/database.ts';
import { GroupCommit } from './state/group-commit.ts';
import { EmailDelivery } from './topics/email-delivery.ts';
import { EmailOutbox } from './topics/email-outbox.ts';
import { Topics } from './topics/topic.ts';
import { TraceRecorder } from './trace/recorder.ts';
import type { TraceSettings } from './trace/settings.ts';

/** Everything a runtime is made of, wired together. */
interface RuntimeParts {
  readonly db: Database;
  readonly clock: Clock;
  readonly arns: Arns;
  readonly buses: EventBuses;
  readonly rules: Rules;
  readonly archives: Archives;
  readonly replays: Replays;
  readonly ingest: EventIngest;
  readonly queues: Queues;
  readonly mappings: EventSourceMappings;
  readonly topics: Topics;
  readonly outbox: EmailOutbox;
  readonly emails: EmailDelivery;
  readonly buckets: Buckets;
  readonly handlers: HandlerRegistry;
  readonly dispatcher: Dispatcher;
  readonly completions: Completions;
  readonly scheduler: Scheduler;
  readonly trace: TraceRecorder;
  readonly group: GroupCommit;
  readonly checkpointer: Checkpointer;
}

interface AssemblyOptions {
  readonly db: Database;
  readonly stateDir: string;
  readonly accountId: string;
  readonly region: string;
  readonly clock: Clock;
  readonly retry: RetrySettings;
  readonly faults: FaultInjector;
  readonly maxConcurrentDeliveries: number;
  readonly log: RuntimeLog;
  /** Whether trace facts are recorded, and how many are kept (a reader records none). */
  readonly trace: TraceSettings;
  /** The longest a group commit stays open, in ms of real time. @default 2000 */
  readonly groupCommitMs?: number;
  /**
   * A reader's view beside the driver: no recovery (the driver's in-flight messages and
   * half-written uploads are its own), and nothing wakes the scheduler, so nothing is delivered.
   */
  readonly readOnly: boolean;
}

/**
 * Builds the runtime's parts over an open database and connects their signals: writes wake
 * the scheduler, queue writes flag the queue's mappings, a registered handler releases the
 * work that waited for it. Recovery happens here too, unless `readOnly`: messages a previous
 * process held become visible again, and archives drop what their retention no longer covers.
 *
 * @example const parts = assembleRuntime({ db, stateDir, accountId, region, clock, retry, faults, maxConcurrentDeliveries: 64, log, trace: {}, readOnly: false });
 */
function assembleRuntime(options: AssemblyOptions): RuntimeParts {
  const { db, accountId, region, clock } = options;
  // Parts that only stamp times take a function for "now"; parts that wait take the clock.
  const stamp = () => new Date(clock.now());
  // The scheduler needs the workers and the workers need to wake it: tie the knot late.
  const late: { scheduler?: Scheduler; dispatcher?: Dispatcher; mappings?: EventSourceMappings } =
    {};
  const checkpointer = new Checkpointer({
    db,
    file: join(options.stateDir, DATABASE_FILE),
    onError: (error) => late.scheduler?.fail(error),
  });
  // First: it counts the transaction functions made after it (see GroupCommit).
  const group = new GroupCommit(db, {
    ...(options.groupCommitMs !== undefined ? { maxOpenMs: options.groupCommitMs } : {}),
    onError: (error) => late.scheduler?.fail(error),
    onCommitted: () => checkpointer.afterCommit(),
  });
  const arns = new Arns(region, accountId);
  const buses = new EventBuses(db, arns, stamp);
  const rules = new Rules(db, arns, buses);
  const archives = new Archives(db, arns, buses, stamp);
  if (!options.readOnly) archives.enforceRetention();
  const wake = () => late.scheduler?.wake();
  const fail = (error: unknown) => late.scheduler?.fail(error);
  const onDeliveries = () => {
    late.dispatcher?.deliveriesAdded();
    wake();
  };
  const trace = new TraceRecorder(db, () => clock.now(), {
    ...options.trace,
    enabled: !options.readOnly && options.trace.enabled !== false,
  });
  const queues = new Queues(
    db,
    arns,
    accountId,
    clock,
    (queueId) => {
      late.mappings?.queueChanged(queueId);
      wake();
    },
    trace,
  );
  if (!options.readOnly) queues.releaseInFlight();
  const completions = new Completions(
    db,
    (queueId, rowId) => queues.released(queueId, rowId),
    trace,
  );
  const outbox = new EmailOutbox(join(options.stateDir, 'outbox'), region);
  const emails = new EmailDelivery(
    { db, written: (id) => completions.emailWritten(id), wake, fail },
    options.readOnly,
  );
  const topics = new Topics(db, arns, region, stamp, queues, outbox, emails);
  const handlers = new HandlerRegistry((name) => {
    late.dispatcher?.handlerRegistered(name);
    late.mappings?.handlerRegistered(name);
    wake();
  });
  const deliveryIds = new IdSequence(db, 'rt_deliveries', 'id');
  const ingest = new EventIngest({
    db,
    accountId,
    region,
    clock: stamp,
    buses,
    rules,
    archives,
    deliveryIds,
    onDeliveries,
    log: options.log,
    queues,
    faults: options.faults,
    trace,
  });
  const dispatcher = new Dispatcher({
    db,
    rules,
    queues,
    topics,
    handlers,
    completions,
    faults: options.faults,
    retry: options.retry,
    clock,
    maxConcurrency: options.maxConcurrentDeliveries,
    wake,
    fail,
    trace,
  });
  const mappings = new EventSourceMappings({
    db,
    queues,
    handlers,
    completions,
    faults: options.faults,
    region,
    clock,
    wake,
    fail,
    trace,
  });
  const replays = new Replays({
    db,
    arns,
    buses,
    rules,
    archives,
    clock: stamp,
    deliveryIds,
    onDeliveries,
  });
  const buckets = new Buckets({
    db,
    arns,
    dir: join(options.stateDir, 'objects'),
    readOnly: options.readOnly,
    ingest,
    accountId,
    region,
    clock: stamp,
  });
  const scheduler = new Scheduler(
    [replays, dispatcher, mappings, emails],
    () => completions.flush(),
    clock,
    group,
  );
  Object.assign(late, { scheduler, dispatcher, mappings });
  if (!options.readOnly) scheduler.wake();
  return {
    db,
    clock,
    arns,
    buses,
    rules,
    archives,
    replays,
    ingest,
    queues,
    mappings,
    topics,
    outbox,
    emails,
    buckets,
    handlers,
    dispatcher,
    completions,
    scheduler,
    trace,
    group,
    checkpointer,
  };
}

export type { AssemblyOptions, RuntimeParts };
export { assembleRuntime };
