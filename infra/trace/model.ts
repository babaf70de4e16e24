/**
 * The causal tree `txnflow trace` prints, locally and on AWS alike: what happened to an
 * upload, a transaction, an alert or an event, step by step. Every node says what it is
 * (`kind`), when it happened (`at`, ISO 8601, when known), how long it took, and a one-line
 * `summary` for people; the fields beside it are for programs (`--json`).
 */

interface NodeBase {
  /** When it happened (ISO 8601), when the facts say. */
  readonly at?: string;
  readonly durationMs?: number;
  /** One line, for people. */
  readonly summary: string;
  readonly children: TraceNode[];
}

/** A file put in the uploads bucket. */
interface UploadNode extends NodeBase {
  readonly kind: 'upload';
  readonly bucket: string;
  readonly key: string;
  readonly size?: number;
}

/** An event on a bus. */
interface EventNode extends NodeBase {
  readonly kind: 'event';
  readonly detailType: string;
  readonly source: string;
  readonly bus?: string;
  /** The envelope's id (EventBridge's). */
  readonly eventId: string;
  /** The contract's `metadata.eventId`, which other events name as their cause. */
  readonly contractEventId?: string;
  readonly correlationId?: string;
  readonly causationId?: string;
  /** The replay whose processing caused this event (`metadata.replayName`). */
  readonly replayName?: string;
  /** The transaction (`C2/T1008`) or alert id it is about, when it is about one. */
  readonly about?: string;
}

/** Ingest's run over an uploaded file: its summary, and the line of a traced transaction. */
interface IngestRunNode extends NodeBase {
  readonly kind: 'ingest-run';
  readonly file: string;
  readonly accepted?: number;
  readonly duplicates?: number;
  readonly rejected?: readonly { readonly line: number; readonly reason: string }[];
  /** How many rows were rejected, when only the count is known (the log line on AWS). */
  readonly rejectedCount?: number;
  readonly rejectsReport?: string;
  readonly unreadable?: string;
  /** The line of the traced transaction, when one transaction is traced. */
  readonly line?: number;
  /** Transactions of the file left out of this trace (a transaction's trace shows its own). */
  readonly otherTransactions?: number;
}

/** A rule that took the event, and its target. */
interface RuleNode extends NodeBase {
  readonly kind: 'rule';
  readonly rule: string;
  readonly target: string;
  /** The handler, queue or topic. */
  readonly destination?: string;
}

/** One attempt to deliver the event to a handler. */
interface AttemptNode extends NodeBase {
  readonly kind: 'attempt';
  readonly attempt: number;
  readonly outcome: 'ok' | 'failed';
  readonly error?: string;
  readonly retryAt?: string;
}

/** A queue message the event became, with where it is now. */
interface MessageNode extends NodeBase {
  readonly kind: 'message';
  readonly queue: string;
  readonly messageId: string;
  /** `consumed`, `in <queue>`, or `unknown` when the facts do not say. */
  readonly state: string;
}

/** A receive of a queue message by its handler, in a batch. */
interface ReceiveNode extends NodeBase {
  readonly kind: 'receive';
  readonly queue: string;
  readonly messageId: string;
  readonly receiveCount: number;
  readonly batchId: string;
  readonly batchSize?: number;
  /** Messages of the batch that failed, the partial-failure report. */
  readonly batchFailed?: number;
  readonly outcome: 'ok' | 'failed';
  readonly error?: string;
}

/** The event or message went to a dead-letter queue. */
interface DeadLetterNode extends NodeBase {
  readonly kind: 'dead-letter';
  readonly queue: string;
  readonly messageId?: string;
  readonly error?: string;
  /** Whether it is still there (else a redrive took it out). */
  readonly stillThere: boolean;
  /** The command that tries it again, while it is still there. */
  readonly retry?: string;
}

/** A dead letter moved back for another try. */
interface RedriveNode extends NodeBase {
  readonly kind: 'redrive';
  readonly from: string;
  readonly to: string;
  readonly messageId?: string;
  readonly outcome?: 'ok' | 'failed';
  readonly error?: string;
}

/** The ledger's entry for a transaction. */
interface LedgerEntryNode extends NodeBase {
  readonly kind: 'ledger-entry';
  readonly customerId: string;
  readonly transactionId: string;
  readonly outcome?: 'applied' | 'duplicate';
  /** The chain version, when the ledger's table says (locally). */
  readonly version?: number;
  readonly before?: string;
  readonly after: string;
  readonly crossed?: boolean;
}

/** Alerting's record of a high balance. */
interface AlertNode extends NodeBase {
  readonly kind: 'alert';
  readonly alertId: string;
  readonly customerId?: string;
  readonly balance?: string;
  readonly threshold?: string;
  readonly emailed: boolean;
}

/** The email an alert sent (an `.eml` file locally; an SNS message on AWS). */
interface EmailNode extends NodeBase {
  readonly kind: 'email';
  readonly messageId: string;
  readonly file?: string;
  readonly to?: string;
  readonly subject?: string;
}

/** A replay that re-sent the event, as its own branch. */
interface ReplayNode extends NodeBase {
  readonly kind: 'replay';
  readonly replayName: string;
  /** The rules the replay was sent to; absent: every rule of the bus. */
  readonly rules?: readonly string[];
}

/** Rules of the bus that could take this kind of event and did not take this one. */
interface NotTakenNode extends NodeBase {
  readonly kind: 'not-taken';
  readonly rules: readonly string[];
  readonly reason: string;
}

/** A delivery still waiting for its next attempt, or given up. */
interface PendingNode extends NodeBase {
  readonly kind: 'pending';
  readonly rule: string;
  readonly target: string;
  readonly attempts: number;
  readonly error?: string;
}

/** A service's warning or error about the event. */
interface LogNode extends NodeBase {
  readonly kind: 'log';
  readonly service: string;
  readonly level: string;
  readonly message: string;
  readonly fields?: Readonly<Record<string, unknown>>;
}

type TraceNode =
  | UploadNode
  | EventNode
  | IngestRunNode
  | RuleNode
  | AttemptNode
  | MessageNode
  | ReceiveNode
  | DeadLetterNode
  | RedriveNode
  | LedgerEntryNode
  | AlertNode
  | EmailNode
  | ReplayNode
  | NotTakenNode
  | PendingNode
  | LogNode;

/** What kind of id was traced. */
type TracedKind = 'event' | 'transaction' | 'alert' | 'upload' | 'correlation';

/** Where the trace ends in a failure, and what tries it again. */
interface TraceFailure {
  readonly what: string;
  readonly error: string;
  /** The command that retries it, e.g. `txnflow redrive LedgerTransactionsDLQ`. */
  readonly retry?: string;
}

/** A whole trace: what was asked, what it was found to be, the tree, and what failed. */
interface Trace {
  readonly id: string;
  readonly kind: TracedKind;
  /** `local` (the state folder) or `aws` (a deployed stage). */
  readonly from: 'local' | 'aws';
  readonly roots: readonly TraceNode[];
  readonly failures: readonly TraceFailure[];
  /** What the trace could not see, or left out. */
  readonly notes: readonly string[];
}

/**
 * Every node of the tree, depth first, each with the path of nodes above it.
 *
 * @example for (const { node } of walk(trace.roots)) if (node.kind === 'email') emails += 1;
 */
function* walk(
  nodes: readonly TraceNode[],
  above: readonly TraceNode[] = [],
): Generator<{ node: TraceNode; above: readonly TraceNode[] }> {
  for (const node of nodes) {
    yield { node, above };
    yield* walk(node.children, [...above, node]);
  }
}

export type {
  AlertNode,
  AttemptNode,
  DeadLetterNode,
  EmailNode,
  EventNode,
  IngestRunNode,
  LedgerEntryNode,
  LogNode,
  MessageNode,
  NotTakenNode,
  PendingNode,
  ReceiveNode,
  RedriveNode,
  ReplayNode,
  RuleNode,
  Trace,
  TracedKind,
  TraceFailure,
  TraceNode,
  UploadNode,
};
export { walk };
