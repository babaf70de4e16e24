import { type Alert, SqliteAlertStore } from '@txnflow/alerting';
import { formatMoney } from '@txnflow/contracts';
import { type IngestSummary, SqliteIngestStore } from '@txnflow/ingest';
import { type LedgerEntry, SqliteLedgerStore } from '@txnflow/ledger';
import {
  eventIdInBody,
  type OpenDelivery,
  type OutboxEntry,
  type QueuedMessage,
  type ReplayRecord,
  type StoredFact,
  type TraceReader,
} from '../../local/index.ts';
import { nearest, type TraceSuggestion, UnknownTraceIdError } from '../../trace/errors.ts';
import type {
  EventNode,
  MessageNode,
  NotTakenNode,
  ReplayNode,
  RuleNode,
  Trace,
  TraceFailure,
  TraceNode,
} from '../../trace/model.ts';
import type { LocalTxnflow } from '../local-txnflow.ts';
import { localServices } from '../services.ts';
import {
  aboutOf,
  CausalGraph,
  type EventView,
  eventsOfRuns,
  resolveTraceId,
  uploadKeyOf,
  uploadVersionOf,
} from './run-events.ts';
import { type ServiceStep, type Topology, topologyOf } from './topology.ts';

const iso = (ms: number): string => new Date(ms).toISOString();
const short = (id: string): string => id.slice(0, 8);
const redrive = (queue: string): string => `txnflow redrive ${queue}`;

/** Everything the tree is built from, read once. */
interface Sources {
  readonly graph: CausalGraph;
  readonly kept: ReadonlySet<number>;
  readonly focus: ReadonlySet<number>;
  readonly facts: readonly StoredFact[];
  readonly batches: ReadonlyMap<string, StoredFact & { kind: 'batch' }>;
  readonly open: readonly OpenDelivery[];
  readonly replays: readonly ReplayRecord[];
  readonly dead: ReadonlyMap<string, { queue: string; message: QueuedMessage }[]>;
  readonly peeked: ReadonlyMap<string, readonly QueuedMessage[]>;
  readonly rulesByBus: ReadonlyMap<string, readonly { name: string; pattern: string }[]>;
  readonly emails: readonly OutboxEntry[];
  readonly droppedUntil: number | undefined;
  readonly topology: Topology;
}

/**
 * Builds the trace of an id from the local state folder: the stored events of the id's run,
 * the trace facts the runtime recorded about them, the deliveries still open, the replays
 * that re-sent them, the dead-letter queues, and the services' own records (the ingest
 * summary, the ledger's entry, the alert and its email).
 *
 * @example const trace = await traceLocally(txnflow, 'C2/T1008');
 * @throws {UnknownTraceIdError} with the kinds of id it takes and the known ids nearest to it.
 */
async function traceLocally(txnflow: LocalTxnflow, id: string): Promise<Trace> {
  const reader = txnflow.runtime.traceReader();
  const resolved = resolveTraceId(reader, id);
  if (!resolved) {
    throw new UnknownTraceIdError(id, 'this state folder', await suggestionsFor(txnflow, id));
  }
  const sources = readSources(txnflow, reader, resolved.focus, resolved.kind);
  const builder = new TreeBuilder(txnflow, sources);
  const roots: TraceNode[] = [];
  for (const root of sources.graph.roots()) {
    if (sources.kept.has(root.record.seq)) roots.push(await builder.root(root));
  }
  return {
    id,
    kind: resolved.kind,
    from: 'local',
    roots,
    failures: builder.failures,
    notes: notesOf(sources),
  };
}

function readSources(
  txnflow: LocalTxnflow,
  reader: TraceReader,
  focus: readonly EventView[],
  kind: Trace['kind'],
): Sources {
  const graph = new CausalGraph(eventsOfRuns(reader, focus));
  const whole = kind === 'upload' || kind === 'correlation';
  const kept = whole ? new Set(graph.events.map((v) => v.record.seq)) : graph.keptFor(focus);
  const keptViews = graph.events.filter((v) => kept.has(v.record.seq));
  const refs = keptViews.flatMap((v) => (v.contractId ? [v.id, v.contractId] : [v.id]));
  const facts = reader.facts({ eventSeqs: [...kept], refs });
  const batchIds = facts.flatMap((f) => (f.kind === 'receive' ? [f.batchId] : []));
  const batches = new Map<string, StoredFact & { kind: 'batch' }>();
  for (const fact of reader.facts({ refs: batchIds })) {
    if (fact.kind === 'batch') batches.set(fact.batchId, fact);
  }
  const topology = topologyOf(localServices);
  const { dead, peeked } = readQueues(txnflow, topology);
  const rulesByBus = new Map(
    [...new Set(keptViews.map((v) => v.record.busName))].map((bus) => [
      bus,
      txnflow.runtime.listRules(bus).map((r) => ({ name: r.name, pattern: r.eventPattern })),
    ]),
  );
  return {
    graph,
    kept,
    focus: new Set(focus.map((v) => v.record.seq)),
    facts,
    batches,
    open: reader.openDeliveries([...kept]),
    replays: reader.replays(),
    dead,
    peeked,
    rulesByBus,
    emails: txnflow.outbox(),
    droppedUntil: reader.droppedUntil(),
    topology,
  };
}

/** The dead-letter queues' messages by the event id they carry; the queues nobody consumes. */
function readQueues(txnflow: LocalTxnflow, topology: Topology) {
  const dead = new Map<string, { queue: string; message: QueuedMessage }[]>();
  for (const queue of topology.deadLetterQueues) {
    for (const message of txnflow.runtime.peekMessages(queue)) {
      const eventId = eventIdInBody(message.body) ?? message.messageId;
      dead.set(eventId, [...(dead.get(eventId) ?? []), { queue, message }]);
    }
  }
  const peeked = new Map<string, readonly QueuedMessage[]>();
  for (const { manifest } of localServices) {
    for (const queue of manifest.queues) {
      if (!topology.consumedQueues.has(queue.name)) {
        peeked.set(queue.name, txnflow.runtime.peekMessages(queue.name));
      }
    }
  }
  return { dead, peeked };
}

function notesOf(sources: Sources): string[] {
  const notes: string[] = [];
  const oldest = Math.min(...sources.graph.events.map((v) => v.record.arrivedAt));
  if (sources.droppedUntil !== undefined && oldest <= sources.droppedUntil) {
    notes.push(
      `facts recorded before ${iso(sources.droppedUntil)} were dropped (the trace keeps the newest TXNFLOW_TRACE_KEEP facts): steps before then are missing`,
    );
  }
  if (sources.facts.length === 0 && sources.open.length === 0) {
    notes.push('no trace facts were recorded for these events (was TXNFLOW_TRACE=off?)');
  }
  return notes;
}

/** Builds the nodes; collects, on the way, what ended in a failure. */
class TreeBuilder {
  readonly failures: TraceFailure[] = [];
  readonly #txnflow: LocalTxnflow;
  readonly #s: Sources;
  readonly #entries = new Map<string, Promise<LedgerEntry[]>>();

  constructor(txnflow: LocalTxnflow, sources: Sources) {
    this.#txnflow = txnflow;
    this.#s = sources;
  }

  /** A root: an upload wraps its S3 event; any other event stands alone. */
  async root(view: EventView): Promise<TraceNode> {
    const event = await this.#event(view, null);
    const key = uploadKeyOf(view);
    if (!key) return event;
    const object = (view.detail.object ?? {}) as { size?: number };
    const bucket = String((view.detail.bucket as { name?: unknown } | undefined)?.name);
    return {
      kind: 'upload',
      at: iso(view.record.arrivedAt),
      summary: `upload ${key} to bucket ${bucket}${object.size !== undefined ? ` (${object.size} bytes)` : ''}`,
      bucket,
      key,
      ...(object.size !== undefined ? { size: object.size } : {}),
      children: [event],
    };
  }

  /** An event, the rules that took it (or a replay's), and what it caused. */
  async #event(view: EventView, replay: ReplayRecord | null): Promise<EventNode> {
    const node: EventNode = {
      kind: 'event',
      at: iso(view.record.arrivedAt),
      summary: eventSummary(view),
      detailType: view.detailType,
      source: view.source,
      bus: view.record.busName,
      eventId: view.id,
      ...(view.contractId ? { contractEventId: view.contractId } : {}),
      ...(view.correlationId ? { correlationId: view.correlationId } : {}),
      ...(view.causationId ? { causationId: view.causationId } : {}),
      ...(view.replayName ? { replayName: view.replayName } : {}),
      ...(aboutOf(view) ? { about: aboutOf(view) } : {}),
      children: [],
    };
    const slots = new Map<ServiceStep, TraceNode[]>();
    node.children.push(...(await this.#rules(view, replay, slots)));
    if (!replay) node.children.push(...(await this.#replays(view)));
    node.children.push(...this.#logs(view));
    await this.#caused(view, node, slots);
    return node;
  }

  /** The rules that took the event (on its own or in a replay), and the ones that did not. */
  async #rules(
    view: EventView,
    replay: ReplayRecord | null,
    slots: Map<ServiceStep, TraceNode[]>,
  ): Promise<TraceNode[]> {
    const replayId = replay?.id ?? null;
    const facts = this.#s.facts.filter(
      (f) => f.eventSeq === view.record.seq && f.replayId === replayId,
    );
    const open = this.#s.open.filter(
      (d) => d.eventSeq === view.record.seq && d.replayId === replayId,
    );
    const names = [...new Set([...facts.flatMap(ruleOf), ...open.map((d) => d.rule)])];
    const nodes: TraceNode[] = [];
    for (const rule of names) {
      const node = this.#rule(view, rule, facts, open);
      const step = this.#s.topology.consumers.get(rule);
      if (step) await this.#serviceStep(view, step, node, slots);
      nodes.push(node);
    }
    const notTaken = this.#notTaken(view, names, replay);
    if (notTaken) nodes.push(notTaken);
    return nodes;
  }

  #rule(
    view: EventView,
    rule: string,
    facts: readonly StoredFact[],
    open: readonly OpenDelivery[],
  ): RuleNode {
    const mine = facts.filter((f) => ruleOf(f).includes(rule));
    const first = mine[0];
    const target =
      first && 'target' in first ? first.target : (open.find((d) => d.rule === rule)?.target ?? '');
    const destination = destinationOf(mine);
    const node: RuleNode = {
      kind: 'rule',
      ...(first ? { at: iso(first.at - durationOf(first)) } : {}),
      summary: `rule ${rule}${destination ? ` -> ${destination}` : ''}`,
      rule,
      target,
      ...(destination ? { destination } : {}),
      children: [],
    };
    for (const fact of mine) node.children.push(...this.#deliveryStep(view, fact, facts));
    for (const pending of open.filter((d) => d.rule === rule)) {
      node.children.push(this.#pending(view, pending));
    }
    return node;
  }

  /** One recorded step of a rule's delivery: an attempt, a queue message, a dead letter. */
  #deliveryStep(view: EventView, fact: StoredFact, all: readonly StoredFact[]): TraceNode[] {
    switch (fact.kind) {
      case 'attempt':
        return [
          {
            kind: 'attempt',
            at: iso(fact.at - fact.durationMs),
            durationMs: fact.durationMs,
            summary: `attempt ${fact.attempt}: ${fact.outcome === 'ok' ? 'ok' : `failed: ${fact.error}`}${fact.retryAt ? `, retried at ${iso(fact.retryAt).slice(11, 23)}` : ''}${fact.duplicated ? ' (handed over twice)' : ''}`,
            attempt: fact.attempt,
            outcome: fact.outcome,
            ...(fact.error ? { error: fact.error } : {}),
            ...(fact.retryAt ? { retryAt: iso(fact.retryAt) } : {}),
            children: [],
          },
        ];
      case 'sent':
        return fact.messageIds.map((messageId) =>
          this.#message(view, fact.queue ?? fact.topic ?? '', messageId, fact.at, all),
        );
      case 'dead-lettered':
        return [this.#deadLetter(view, fact.queue, fact.messageId, fact.error, fact.at)];
      case 'undeliverable':
        this.failures.push({ what: `${describe(view)} to ${fact.rule}`, error: fact.error });
        return [];
      default:
        return [];
    }
  }

  /** A queue message: its receives, moves to and from its DLQ, and where it is now. */
  #message(
    view: EventView,
    queue: string,
    messageId: string,
    sentAt: number,
    all: readonly StoredFact[],
  ): MessageNode {
    const children: TraceNode[] = [];
    let state = this.#s.topology.consumedQueues.has(queue) ? 'waiting to be received' : 'unknown';
    const peeked = this.#s.peeked.get(queue);
    if (peeked) {
      const here = peeked.find((m) => m.messageId === messageId);
      state = here ? `in ${queue} (received ${here.receiveCount} times)` : `no longer in ${queue}`;
    }
    for (const fact of all.filter((f) => 'messageId' in f && f.messageId === messageId)) {
      const step = this.#messageStep(view, fact);
      if (step) children.push(step.node);
      if (step?.state) state = step.state;
    }
    return {
      kind: 'message',
      at: iso(sentAt),
      summary: `message ${short(messageId)} sent to ${queue}: ${state}`,
      queue,
      messageId,
      state,
      children,
    };
  }

  #messageStep(view: EventView, fact: StoredFact): { node: TraceNode; state?: string } | undefined {
    if (fact.kind === 'receive') {
      const batch = this.#s.batches.get(fact.batchId);
      const took = batch
        ? `, batch ${short(fact.batchId)} of ${batch.size} (${batch.failed} failed)`
        : '';
      return {
        node: {
          kind: 'receive',
          at: iso(fact.at - (batch?.durationMs ?? 0)),
          ...(batch ? { durationMs: batch.durationMs } : {}),
          summary: `receive ${fact.receiveCount}${took}: ${fact.outcome === 'ok' ? 'ok' : `failed: ${fact.error}`}`,
          queue: fact.queue,
          messageId: fact.messageId,
          receiveCount: fact.receiveCount,
          batchId: fact.batchId,
          ...(batch ? { batchSize: batch.size, batchFailed: batch.failed } : {}),
          outcome: fact.outcome,
          ...(fact.error ? { error: fact.error } : {}),
          children: [],
        },
        state: fact.outcome === 'ok' ? 'consumed' : `in ${fact.queue}, to be received again`,
      };
    }
    if (fact.kind === 'moved-to-dlq') {
      const error = fact.lastError ?? `received ${fact.receives} times`;
      const node = this.#deadLetter(view, fact.to, fact.messageId, error, fact.at);
      return {
        node,
        state: node.kind === 'dead-letter' && node.stillThere ? `in ${fact.to}` : undefined,
      };
    }
    if (fact.kind === 'redriven') {
      return {
        node: redriveNode(fact.from, fact.to, fact.messageId, fact.at),
        state: `in ${fact.to}, to be received again`,
      };
    }
    return undefined;
  }

  /** A dead letter; one still in its queue ends the trace in a failure, with the command. */
  #deadLetter(
    view: EventView,
    queue: string,
    messageId: string | undefined,
    error: string,
    at: number,
  ): TraceNode {
    const there = (this.#s.dead.get(view.id) ?? []).find(
      (d) => d.queue === queue && (messageId === undefined || d.message.messageId === messageId),
    );
    if (there) {
      const what = `${describe(view)}, message ${there.message.messageId}, in ${queue}`;
      this.failures.push({ what, error, retry: redrive(queue) });
    }
    const redriven = this.#s.facts.filter(
      (f) =>
        f.kind === 'redrive-attempt' &&
        f.queue === queue &&
        f.ref !== null &&
        [view.id, view.contractId].includes(f.ref),
    );
    return {
      kind: 'dead-letter',
      at: iso(at),
      summary: `dead-lettered to ${queue}: ${error}${there ? ` (still there: ${redrive(queue)})` : ''}`,
      queue,
      ...(messageId ? { messageId } : {}),
      error,
      stillThere: there !== undefined,
      ...(there ? { retry: redrive(queue) } : {}),
      children: redriven.flatMap((f) =>
        f.kind === 'redrive-attempt'
          ? [
              {
                ...redriveNode(queue, f.destination, f.messageId, f.at - f.durationMs),
                durationMs: f.durationMs,
                outcome: f.outcome,
                ...(f.error ? { error: f.error } : {}),
                summary: `redriven to ${f.destination}: ${f.outcome === 'ok' ? 'ok' : `failed: ${f.error}`}`,
              },
            ]
          : [],
      ),
    };
  }

  #pending(view: EventView, delivery: OpenDelivery): TraceNode {
    const error = delivery.lastError ?? '';
    if (delivery.state === 'failed') {
      this.failures.push({ what: `${describe(view)} to ${delivery.rule}`, error });
    }
    const due = delivery.state === 'pending' ? `, next attempt at ${iso(delivery.dueAt)}` : '';
    return {
      kind: 'pending',
      summary: `${delivery.state === 'pending' ? 'pending' : 'given up'} after ${delivery.attempts} attempt(s)${error ? `: ${error}` : ''}${due}`,
      rule: delivery.rule,
      target: delivery.target,
      attempts: delivery.attempts,
      ...(error ? { error } : {}),
      children: [],
    };
  }

  /** What the consuming service made of the event: an ingest run, a ledger entry, an alert. */
  async #serviceStep(
    view: EventView,
    step: ServiceStep,
    rule: RuleNode,
    slots: Map<ServiceStep, TraceNode[]>,
  ): Promise<void> {
    const node =
      step === 'ingest-run'
        ? await this.#ingestRun(view)
        : step === 'ledger-entry'
          ? await this.#ledgerEntry(view)
          : await this.#alert(view);
    if (!node) return;
    rule.children.push(node);
    slots.set(step, node.children);
  }

  async #ingestRun(view: EventView): Promise<TraceNode | undefined> {
    const key = uploadKeyOf(view);
    if (!key) return undefined;
    // An unversioned bucket's object is S3's version "null".
    const versionId = uploadVersionOf(view) ?? 'null';
    const summary = await this.#txnflow.summaryOf(key, versionId).catch(() => undefined);
    const transactions = this.#s.graph
      .childrenOf(view)
      .filter((c) => c.detailType === 'TransactionRecorded');
    const shown = transactions.filter((c) => this.#s.kept.has(c.record.seq));
    const focusLine = shown.length === 1 && transactions.length > 1 ? lineOf(shown[0]) : undefined;
    const others = transactions.length - shown.length;
    return {
      kind: 'ingest-run',
      summary: ingestSummaryText(key, summary, focusLine, others),
      file: key,
      ...(summary ? countsOf(summary) : {}),
      ...(focusLine !== undefined ? { line: focusLine } : {}),
      ...(others > 0 ? { otherTransactions: others } : {}),
      children: [],
    };
  }

  async #ledgerEntry(view: EventView): Promise<TraceNode | undefined> {
    const customerId = String(view.data.customerId);
    const transactionId = String(view.data.transactionId);
    let entries = this.#entries.get(customerId);
    if (!entries) {
      entries = new SqliteLedgerStore(this.#txnflow.runtime.db).listEntries(customerId);
      this.#entries.set(customerId, entries);
    }
    const entry = (await entries).find((e) => e.transactionId === transactionId);
    if (!entry) return undefined;
    const crossed = entry.crossedThreshold ? `, crossed ${formatMoney(entry.thresholdCents)}` : '';
    return {
      kind: 'ledger-entry',
      summary: `ledger entry ${customerId} version ${entry.version}: ${formatMoney(entry.balanceBeforeCents)} -> ${formatMoney(entry.balanceAfterCents)}${crossed}`,
      customerId,
      transactionId,
      version: entry.version,
      before: formatMoney(entry.balanceBeforeCents),
      after: formatMoney(entry.balanceAfterCents),
      crossed: entry.crossedThreshold,
      children: [],
    };
  }

  async #alert(view: EventView): Promise<TraceNode | undefined> {
    const alertId = String(view.data.alertId);
    const alert: Alert | undefined = await new SqliteAlertStore(this.#txnflow.runtime.db).find(
      alertId,
    );
    if (!alert) return undefined;
    const logged = this.#alertLog(view, alertId);
    const email = logged ? this.#email(logged) : undefined;
    return {
      kind: 'alert',
      ...(logged ? { at: iso(logged.at) } : {}),
      summary: `alert ${alertId}: ${alert.customerId} at ${formatMoney(alert.balanceCents)}, threshold ${formatMoney(alert.thresholdCents)}, ${alert.notified ? 'emailed' : 'not emailed yet'}`,
      alertId,
      customerId: alert.customerId,
      balance: formatMoney(alert.balanceCents),
      threshold: formatMoney(alert.thresholdCents),
      emailed: alert.notified,
      children: email ? [email] : [],
    };
  }

  /** Alerting's log line of the delivery that sent the alert's email. */
  #alertLog(view: EventView, alertId: string): (StoredFact & { kind: 'log' }) | undefined {
    const ids = [view.id, view.contractId];
    for (const fact of this.#s.facts) {
      if (fact.kind !== 'log' || !ids.includes(fact.ref ?? '')) continue;
      if (fact.fields.alertId === alertId && typeof fact.fields.emailMessageId === 'string') {
        return fact;
      }
    }
    return undefined;
  }

  /** The email alerting's log names (by its topic message id), found in the outbox. */
  #email(logged: StoredFact & { kind: 'log' }): TraceNode {
    const messageId = String(logged.fields.emailMessageId);
    const file = this.#s.emails.find((e) => e.messageId.startsWith(`<${messageId}@`));
    return {
      kind: 'email',
      at: iso(logged.at),
      summary: file
        ? `email to ${file.to}: "${file.subject}", ${file.file}`
        : `email ${messageId} (no longer in the outbox)`,
      messageId,
      ...(file ? { file: file.file, to: file.to, subject: file.subject } : {}),
      children: [],
    };
  }

  /** A branch per replay that re-sent the event, with what its rules did. */
  async #replays(view: EventView): Promise<TraceNode[]> {
    const nodes: TraceNode[] = [];
    for (const replay of this.#s.replays) {
      if (!this.#replayed(view, replay)) continue;
      const slots = new Map<ServiceStep, TraceNode[]>();
      const node: ReplayNode = {
        kind: 'replay',
        at: iso(replay.startedAt),
        summary: `replay ${replay.name} re-sent it to ${replay.rules ? replay.rules.join(', ') : 'every rule of its bus'}`,
        replayName: replay.name,
        ...(replay.rules ? { rules: replay.rules } : {}),
        children: await this.#rules(view, replay, slots),
      };
      for (const child of this.#s.graph.childrenOf(view)) {
        if (child.replayName !== replay.name || !this.#s.kept.has(child.record.seq)) continue;
        const slot = slots.get('ledger-entry') ?? node.children;
        slot.push(await this.#event(child, null));
      }
      nodes.push(node);
    }
    return nodes;
  }

  /**
   * Whether the replay put this event back on the bus (its archive, its window, as far as its
   * cursor got) where one of the rules it was sent to is for this kind of event.
   */
  #replayed(view: EventView, replay: ReplayRecord): boolean {
    // A replay's window and its cursor are on the event's own time, as the archive keeps it
    // (the time the event says, else when it arrived).
    const { arrivedAt, seq } = view.record;
    const said = Date.parse(String(view.record.event.time));
    const at = Number.isNaN(said) ? arrivedAt : said;
    if (at < replay.fromMs || at > replay.toMs) return false;
    const [cursorAt, cursorSeq] = replay.cursor;
    if (at > cursorAt || (at === cursorAt && seq > cursorSeq)) return false;
    const rules = (this.#s.rulesByBus.get(view.record.busName) ?? []).filter(
      (r) => !replay.rules || replay.rules.includes(r.name),
    );
    if (!rules.some((r) => patternNames(r.pattern, view.detailType))) return false;
    const reader = this.#txnflow.runtime.traceReader();
    return reader.archivesHolding(view.record).includes(replay.archiveId);
  }

  /** Rules on the bus for this kind of event that took neither it nor its replay. */
  #notTaken(
    view: EventView,
    taken: readonly string[],
    replay: ReplayRecord | null,
  ): NotTakenNode | undefined {
    if (this.#s.droppedUntil !== undefined && view.record.arrivedAt <= this.#s.droppedUntil)
      return undefined;
    const candidates = (this.#s.rulesByBus.get(view.record.busName) ?? []).filter(
      (r) =>
        (!replay?.rules || replay.rules.includes(r.name)) &&
        patternNames(r.pattern, view.detailType),
    );
    const rules = candidates.map((r) => r.name).filter((name) => !taken.includes(name));
    if (rules.length === 0) return undefined;
    const marked = replay
      ? `replayed (replay-name ${replay.name})`
      : view.replayName
        ? `caused by replay ${view.replayName}`
        : undefined;
    const reason = marked
      ? `their pattern excludes events ${marked}`
      : 'their pattern does not match it';
    return {
      kind: 'not-taken',
      summary: `not taken by ${rules.join(', ')}: ${reason}`,
      rules,
      reason,
      children: [],
    };
  }

  /** Warnings and errors the services logged about the event. */
  #logs(view: EventView): TraceNode[] {
    return this.#s.facts.flatMap((f) =>
      f.kind === 'log' &&
      f.level !== 'info' &&
      f.ref !== null &&
      [view.id, view.contractId].includes(f.ref)
        ? [
            {
              kind: 'log' as const,
              at: iso(f.at),
              summary: `${f.service} ${f.level}: ${f.message}${typeof f.fields.reason === 'string' ? `: ${f.fields.reason}` : ''}`,
              service: f.service,
              level: f.level,
              message: f.message,
              fields: f.fields,
              children: [],
            },
          ]
        : [],
    );
  }

  /** The events this one caused, under the step that caused them, and dead letters of it. */
  async #caused(
    view: EventView,
    node: EventNode,
    slots: Map<ServiceStep, TraceNode[]>,
  ): Promise<void> {
    for (const child of this.#s.graph.childrenOf(view)) {
      if (!this.#s.kept.has(child.record.seq) || child.replayName) continue;
      const step: ServiceStep | undefined =
        view.detailType === 'Object Created'
          ? 'ingest-run'
          : view.detailType === 'TransactionRecorded'
            ? 'ledger-entry'
            : undefined;
      const slot = (step && slots.get(step)) || node.children;
      slot.push(await this.#event(child, null));
    }
    const recorded = new Set(
      this.#s.facts.flatMap((f) =>
        f.kind === 'dead-lettered' || f.kind === 'moved-to-dlq' ? [f.messageId] : [],
      ),
    );
    for (const { queue, message } of this.#s.dead.get(view.id) ?? []) {
      if (recorded.has(message.messageId)) continue;
      node.children.push(
        this.#deadLetter(
          view,
          queue,
          message.messageId,
          message.errorMessage ?? '',
          Date.parse(message.sentAt),
        ),
      );
    }
  }
}

function ruleOf(fact: StoredFact): string[] {
  return 'rule' in fact && typeof fact.rule === 'string' && fact.kind !== 'redrive-attempt'
    ? [fact.rule]
    : [];
}

function durationOf(fact: StoredFact): number {
  return 'durationMs' in fact && typeof fact.durationMs === 'number' ? fact.durationMs : 0;
}

function destinationOf(facts: readonly StoredFact[]): string | undefined {
  for (const fact of facts) {
    if (fact.kind === 'sent') return fact.queue ? `queue ${fact.queue}` : `topic ${fact.topic}`;
    if (fact.kind === 'attempt') return fact.destination;
  }
  return undefined;
}

function redriveNode(from: string, to: string, messageId: string, at: number) {
  return {
    kind: 'redrive' as const,
    at: iso(at),
    summary: `redriven from ${from} to ${to}`,
    from,
    to,
    messageId,
    children: [] as TraceNode[],
  };
}

function lineOf(view: EventView | undefined): number | undefined {
  const line = (view?.data.source as { line?: unknown } | undefined)?.line;
  return typeof line === 'number' ? line : undefined;
}

function countsOf(summary: IngestSummary) {
  return {
    accepted: summary.accepted,
    duplicates: summary.duplicates,
    rejected: summary.rejected,
    rejectsReport: summary.rejectsReport,
    ...(summary.unreadable ? { unreadable: summary.unreadable } : {}),
  };
}

function ingestSummaryText(
  key: string,
  summary: IngestSummary | undefined,
  line: number | undefined,
  others: number,
): string {
  const counts = summary
    ? `${summary.accepted} accepted, ${summary.duplicates} duplicates, ${summary.rejected.length} rejected`
    : 'no summary written (the run did not finish)';
  const focus = line !== undefined ? `; this transaction is line ${line}` : '';
  const rest = others > 0 ? ` (${others} other transaction(s) left out: txnflow trace ${key})` : '';
  return `ingest run of ${key}: ${counts}${focus}${rest}`;
}

function eventSummary(view: EventView): string {
  const about = aboutOf(view);
  const { data } = view;
  const money =
    view.detailType === 'TransactionRecorded'
      ? ` ${data.amount}`
      : view.detailType === 'HighBalanceDetected'
        ? ` balance ${data.balance}`
        : '';
  const replay = view.replayName ? ` [caused by replay ${view.replayName}]` : '';
  const subject = about && view.detailType !== 'Object Created' ? ` ${about}${money}` : '';
  return `${view.detailType}${subject} (event ${view.id}, bus ${view.record.busName})${replay}`;
}

function describe(view: EventView): string {
  return `${view.detailType} ${aboutOf(view) ?? view.id}`;
}

/** Whether a rule's pattern is for this detail-type (or for any). */
function patternNames(pattern: string, detailType: string): boolean {
  const parsed = JSON.parse(pattern) as { 'detail-type'?: unknown };
  const types = parsed['detail-type'];
  return !Array.isArray(types) || types.includes(detailType);
}

/** Known ids nearest to one that matched nothing, by the kinds its shape suggests. */
async function suggestionsFor(txnflow: LocalTxnflow, id: string): Promise<TraceSuggestion[]> {
  const db = txnflow.runtime.db;
  const transactions = (await new SqliteIngestStore(db).listTransactions()).map(
    (t) => `${t.customerId}/${t.transactionId}`,
  );
  const alerts = (await new SqliteAlertStore(db).listAlerts()).map((a) => a.alertId);
  const uploads = txnflow.runtime
    .listObjects({ bucket: txnflow.uploadsBucket })
    .map((o) => o.key)
    .filter((key) => !key.startsWith('reports/'));
  return [
    { kind: 'transactions', ids: nearest(id, transactions) },
    { kind: 'alerts', ids: nearest(id, alerts) },
    { kind: 'uploads', ids: nearest(id, uploads) },
  ];
}

export { traceLocally };
