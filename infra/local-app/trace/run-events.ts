import { decodeEventKey, uploadIdOf } from '@txnflow/ingest';
import { encodeEventKey, type StoredEventRecord, type TraceReader } from '../../local/index.ts';
import type { TracedKind } from '../../trace/model.ts';

/** The parts of a stored event a trace reads, whatever its contract. */
interface EventView {
  readonly record: StoredEventRecord;
  readonly id: string;
  readonly detailType: string;
  readonly source: string;
  /** `metadata.eventId`, for contract events. */
  readonly contractId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** `metadata.replayName`: the replay whose processing caused it. */
  readonly replayName?: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly detail: Readonly<Record<string, unknown>>;
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

/** Reads an event's ids; the fields a contract event's metadata holds are optional. */
function viewOf(record: StoredEventRecord): EventView {
  const { event } = record;
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const metadata = (detail.metadata ?? {}) as Record<string, unknown>;
  const optional = {
    contractId: str(metadata.eventId),
    correlationId: str(metadata.correlationId),
    causationId: str(metadata.causationId),
    replayName: str(metadata.replayName),
  };
  return {
    record,
    id: String(event.id),
    detailType: String(event['detail-type']),
    source: String(event.source),
    ...Object.fromEntries(Object.entries(optional).filter(([, v]) => v !== undefined)),
    data: (detail.data ?? {}) as Record<string, unknown>,
    detail,
  };
}

/**
 * The key of an uploaded object, for an S3 "Object Created" event: decoded, since S3 writes
 * it form-encoded (a key that does not decode is shown as written).
 */
function uploadKeyOf(view: EventView): string | undefined {
  if (view.detailType !== 'Object Created') return undefined;
  const key = str((view.detail.object as { key?: unknown } | undefined)?.key);
  if (key === undefined) return undefined;
  try {
    return decodeEventKey(key);
  } catch {
    return key;
  }
}

/** The object version an "Object Created" event names (absent in an unversioned bucket). */
function uploadVersionOf(view: EventView): string | undefined {
  if (view.detailType !== 'Object Created') return undefined;
  return str((view.detail.object as { 'version-id'?: unknown } | undefined)?.['version-id']);
}

/**
 * The correlation id of an event's run. An upload's S3 event starts the run whose id is the
 * object version's upload id (as ingest computes it), and is the cause of the run's events.
 */
function runIdOf(view: EventView): string {
  if (view.correlationId) return view.correlationId;
  const key = uploadKeyOf(view);
  const versionId = uploadVersionOf(view);
  const bucket = str((view.detail.bucket as { name?: unknown } | undefined)?.name);
  if (key !== undefined && versionId !== undefined && bucket !== undefined) {
    return uploadIdOf({ bucket, key, versionId });
  }
  return view.id;
}

/** `C2/T1008` for a TransactionRecorded, the alert id for a HighBalanceDetected. */
function aboutOf(view: EventView): string | undefined {
  const { data } = view;
  if (view.detailType === 'TransactionRecorded') return `${data.customerId}/${data.transactionId}`;
  if (view.detailType === 'HighBalanceDetected') return str(data.alertId);
  return uploadKeyOf(view);
}

const json = (value: string): string => JSON.stringify(value);

/**
 * What an id is, and the events it names: an envelope or contract event id, an uploaded
 * file's key, a transaction `C/T`, an alert id `C:T`, or a correlation id, tried in that
 * order. One scan of the stored events looks for all of them at once.
 *
 * @example resolveTraceId(reader, 'C2/T1008') // { kind: 'transaction', focus: [TransactionRecorded] }
 */
function resolveTraceId(
  reader: TraceReader,
  id: string,
): { kind: TracedKind; focus: EventView[] } | undefined {
  const slash = id.lastIndexOf('/');
  // An S3 event holds the key form-encoded; an id is searched for as given and as encoded.
  const needles = [`"id":${json(id)}`, `"eventId":${json(id)}`, `"key":${json(id)}`];
  needles.push(`"key":${json(encodeEventKey(id))}`);
  needles.push(`"alertId":${json(id)}`, `"correlationId":${json(id)}`);
  if (slash > 0) needles.push(`"transactionId":${json(id.slice(slash + 1))}`);
  const views = reader.eventsContaining(needles).map(viewOf);
  const pick = (kind: TracedKind, test: (view: EventView) => boolean) => {
    const focus = views.filter(test);
    return focus.length > 0 ? { kind, focus } : undefined;
  };
  return (
    pick('event', (v) => v.id === id || v.contractId === id) ??
    pick('upload', (v) => uploadKeyOf(v) === id) ??
    pick('transaction', (v) => v.detailType === 'TransactionRecorded' && aboutOf(v) === id) ??
    pick('alert', (v) => v.detailType === 'HighBalanceDetected' && aboutOf(v) === id) ??
    pick('correlation', (v) => v.correlationId === id)
  );
}

/**
 * Every event of the runs (uploads) the focus belongs to, oldest first, with the events that
 * caused them (an upload's S3 event carries no correlation id of its own).
 */
function eventsOfRuns(reader: TraceReader, focus: readonly EventView[]): EventView[] {
  const runs = [...new Set(focus.map(runIdOf))];
  const needles = runs.flatMap((run) => [`"correlationId":${json(run)}`, `"id":${json(run)}`]);
  const bySeq = new Map(reader.eventsContaining(needles).map((r) => [r.seq, viewOf(r)]));
  for (const view of focus) bySeq.set(view.record.seq, view);
  const known = new Set([...bySeq.values()].flatMap((v) => [v.id, v.contractId]));
  const causes = [...new Set([...bySeq.values()].map((v) => v.causationId))].filter(
    (id): id is string => id !== undefined && !known.has(id),
  );
  if (causes.length > 0) {
    for (const record of reader.eventsContaining(causes.map((id) => `"id":${json(id)}`))) {
      const view = viewOf(record);
      if (causes.includes(view.id)) bySeq.set(record.seq, view);
    }
  }
  return [...bySeq.values()].sort((a, b) => a.record.seq - b.record.seq);
}

/** Who caused whom: an event's cause is the event whose id (or contract id) it names. */
class CausalGraph {
  readonly events: readonly EventView[];
  readonly #byId = new Map<string, EventView>();
  readonly #children = new Map<number, EventView[]>();

  constructor(events: readonly EventView[]) {
    this.events = events;
    for (const view of events) {
      this.#byId.set(view.id, view);
      if (view.contractId) this.#byId.set(view.contractId, view);
    }
    for (const view of events) {
      const parent = this.parentOf(view);
      if (!parent) continue;
      const siblings = this.#children.get(parent.record.seq) ?? [];
      siblings.push(view);
      this.#children.set(parent.record.seq, siblings);
    }
  }

  parentOf(view: EventView): EventView | undefined {
    const parent = view.causationId ? this.#byId.get(view.causationId) : undefined;
    return parent === view ? undefined : parent;
  }

  childrenOf(view: EventView): readonly EventView[] {
    return this.#children.get(view.record.seq) ?? [];
  }

  /** The events with no cause among these events, oldest first. */
  roots(): EventView[] {
    return this.events.filter((view) => !this.parentOf(view));
  }

  /** The focus, the events above it, and everything below it: what its trace shows. */
  keptFor(focus: readonly EventView[]): Set<number> {
    const kept = new Set<number>();
    const below = (view: EventView) => {
      kept.add(view.record.seq);
      for (const child of this.childrenOf(view)) below(child);
    };
    for (const view of focus) {
      below(view);
      for (let up = this.parentOf(view); up; up = this.parentOf(up)) kept.add(up.record.seq);
    }
    return kept;
  }
}

export type { EventView };
export {
  aboutOf,
  CausalGraph,
  eventsOfRuns,
  resolveTraceId,
  runIdOf,
  uploadKeyOf,
  uploadVersionOf,
  viewOf,
};
