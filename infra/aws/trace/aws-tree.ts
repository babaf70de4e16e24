import type {
  EventNode,
  ReplayNode,
  RuleNode,
  TraceFailure,
  TraceNode,
} from '../../trace/model.ts';
import type { DeadLetter } from './dead-letters.ts';
import type { LogLine } from './insights.ts';

/** A replay of the stage's archive, as ListReplays reports it. */
interface StageReplay {
  readonly name: string;
  readonly state?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly startedAt?: Date;
}

/** The rule names of the manifests a trace on AWS names its steps after. */
interface RuleNames {
  readonly ingest: string;
  readonly ledger: string;
  readonly ledgerQueue: string;
  readonly alerting: string;
  /** Alerting's rules: what a HighBalanceDetected caused by a replay is not taken by. */
  readonly alertingRules: readonly string[];
}

const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const iso = (date: Date): string => date.toISOString();

/** How to try a dead letter again on AWS. */
function retryOf(letter: DeadLetter): string {
  if (letter.queue.kind === 'queue') {
    // https://sqs.<region>.amazonaws.com/<account>/<name> -> arn:aws:sqs:<region>:<account>:<name>
    const match = /^https:\/\/sqs\.([^.]+)\.[^/]+\/(\d+)\/(.+)$/.exec(letter.queue.url);
    const arn = match ? `arn:aws:sqs:${match[1]}:${match[2]}:${match[3]}` : letter.queue.url;
    return `aws sqs start-message-move-task --source-arn ${arn}`;
  }
  return `EventBridge does not redrive a rule's DLQ: put the event back with aws events put-events, then delete message ${letter.messageId} from ${letter.queue.url}`;
}

/** The ids a dead letter's event carries: envelope id, contract id, correlation id, key, transaction, alert. */
function idsOfLetter(letter: DeadLetter): Set<string> {
  const event = letter.event ?? {};
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  const metadata = (detail.metadata ?? {}) as Record<string, unknown>;
  const data = (detail.data ?? {}) as Record<string, unknown>;
  const object = (detail.object ?? {}) as Record<string, unknown>;
  const ids = [
    str(event.id),
    str(metadata.eventId),
    str(object.key),
    str(data.alertId),
    data.customerId && data.transactionId ? `${data.customerId}/${data.transactionId}` : undefined,
  ];
  return new Set(ids.filter((id): id is string => id !== undefined));
}

/**
 * Builds the tree of a trace on AWS from the services' log lines (ingest's file run, the
 * ledger's line per transaction, alerting's line per alert), the dead-letter queues'
 * messages and the archive's replays. What only EventBridge knows (which rule matched,
 * each delivery attempt to a queue) is not in the logs: a rule node here is the rule the
 * manifests route that event through, and an attempt is a function run that logged.
 */
class AwsTreeBuilder {
  readonly failures: TraceFailure[] = [];
  readonly #lines: readonly LogLine[];
  readonly #letters: readonly DeadLetter[];
  readonly #replays: readonly StageReplay[];
  readonly #rules: RuleNames;
  readonly #placed = new Set<DeadLetter>();

  constructor(
    lines: readonly LogLine[],
    letters: readonly DeadLetter[],
    replays: readonly StageReplay[],
    rules: RuleNames,
  ) {
    this.#lines = lines;
    this.#letters = letters;
    this.#replays = replays;
    this.#rules = rules;
  }

  /** One root per run (upload) the lines belong to, or per transaction without its run's line. */
  roots(): TraceNode[] {
    const roots: TraceNode[] = [];
    const runs = new Map<string, LogLine[]>();
    for (const line of this.#lines) {
      const run = str(line.record.correlationId) ?? 'unknown';
      runs.set(run, [...(runs.get(run) ?? []), line]);
    }
    for (const [run, lines] of runs) {
      const ingest = lines.filter((l) => l.record.message === 'ingested file');
      const transactions = this.#transactions(lines);
      if (ingest.length > 0) roots.push(this.#upload(run, ingest, transactions));
      else roots.push(...transactions);
    }
    for (const letter of this.#letters) {
      if (!this.#placed.has(letter)) roots.push(this.#deadLetter(letter));
    }
    return roots;
  }

  #upload(run: string, ingest: readonly LogLine[], transactions: EventNode[]): TraceNode {
    const first = ingest[0] as LogLine;
    const key = String(first.record.file);
    const bucket = String(first.record.bucket);
    const attempts: TraceNode[] = ingest.map((line, i) => ({
      kind: 'attempt',
      at: iso(line.at),
      summary: `run ${i + 1} of the ingest function: ok`,
      attempt: i + 1,
      outcome: 'ok',
      children: [],
    }));
    const counts = first.record;
    const run_: TraceNode = {
      kind: 'ingest-run',
      summary: `ingest run of ${key}: ${counts.accepted} accepted, ${counts.duplicates} duplicates, ${counts.rejected} rejected`,
      file: key,
      accepted: Number(counts.accepted),
      duplicates: Number(counts.duplicates),
      rejectedCount: Number(counts.rejected),
      children: transactions,
    };
    const rule = this.#rule(this.#rules.ingest, 'the ingest function', [...attempts, run_]);
    rule.children.push(...this.#lettersFor([run, key]));
    const event: EventNode = {
      kind: 'event',
      at: iso(first.at),
      summary: `Object Created (event ${run}, bus default)`,
      detailType: 'Object Created',
      source: 'aws.s3',
      bus: 'default',
      eventId: run,
      about: key,
      children: [rule],
    };
    return {
      kind: 'upload',
      at: iso(first.at),
      summary: `upload ${key} to bucket ${bucket}`,
      bucket,
      key,
      children: [event],
    };
  }

  /** A TransactionRecorded per event id the ledger logged, with what the ledger did. */
  #transactions(lines: readonly LogLine[]): EventNode[] {
    const byEvent = new Map<string, LogLine[]>();
    for (const line of lines) {
      if (line.service !== 'ledger') continue;
      const id = str(line.record.eventId);
      if (id) byEvent.set(id, [...(byEvent.get(id) ?? []), line]);
    }
    return [...byEvent.values()].map((ledger) => this.#transaction(ledger));
  }

  #transaction(ledger: readonly LogLine[]): EventNode {
    const first = ledger[0] as LogLine;
    const r = first.record;
    const about = `${r.customerId}/${r.transactionId}`;
    const eventId = String(r.eventId);
    const original = ledger.filter((l) => !l.record.replayName);
    const children: TraceNode[] = [
      this.#ledgerRule(original, [eventId, str(r.envelopeId) ?? '', about]),
    ];
    const replayNames = [...new Set(ledger.flatMap((l) => str(l.record.replayName) ?? []))];
    for (const name of replayNames) {
      children.push(
        this.#replay(
          name,
          ledger.filter((l) => l.record.replayName === name),
        ),
      );
    }
    return {
      kind: 'event',
      at: iso(first.at),
      summary: `TransactionRecorded ${about} (event ${r.envelopeId ?? eventId})`,
      detailType: 'TransactionRecorded',
      source: 'txnflow.ingest',
      eventId: str(r.envelopeId) ?? eventId,
      contractEventId: eventId,
      ...(str(r.correlationId) ? { correlationId: String(r.correlationId) } : {}),
      ...(str(r.causationId) ? { causationId: String(r.causationId) } : {}),
      about,
      children,
    };
  }

  /** The ledger's rule: each run of the ledger that logged the transaction, then its entry. */
  #ledgerRule(lines: readonly LogLine[], ids: readonly string[]): RuleNode {
    const attempts: TraceNode[] = lines.map((line, i) => {
      const failed = line.record.message !== 'applied transaction';
      const error = str(line.record.error) ?? str(line.record.reason);
      return {
        kind: 'attempt',
        at: iso(line.at),
        summary: `ledger run ${i + 1}: ${failed ? `failed: ${error ?? line.record.message}` : String(line.record.outcome)}`,
        attempt: i + 1,
        outcome: failed ? 'failed' : 'ok',
        ...(failed && error ? { error } : {}),
        children: [],
      };
    });
    const rule = this.#rule(
      this.#rules.ledger,
      `queue ${this.#rules.ledgerQueue} -> the ledger function`,
      attempts,
    );
    const applied = lines.find((l) => l.record.message === 'applied transaction');
    if (applied) rule.children.push(this.#entry(applied));
    rule.children.push(...this.#lettersFor(ids));
    return rule;
  }

  #entry(line: LogLine): TraceNode {
    const r = line.record;
    const balance = str(r.balance);
    const alerts = this.#lines.filter(
      (l) => l.service === 'alerting' && l.record.causationId === r.eventId,
    );
    const byAlert = new Map<string, LogLine[]>();
    for (const alert of alerts) {
      const id = String(alert.record.eventId);
      byAlert.set(id, [...(byAlert.get(id) ?? []), alert]);
    }
    const children: TraceNode[] = [...byAlert.values()].map((ls) => this.#highBalance(ls));
    if (r.alerted === true && r.replayName && children.length === 0) {
      children.push({
        kind: 'not-taken',
        summary: `HighBalanceDetected published during replay ${r.replayName}: not taken by ${this.#rules.alertingRules.join(', ')} (no alerting log names it; their pattern excludes replays)`,
        rules: this.#rules.alertingRules,
        reason: `caused by replay ${r.replayName}`,
        children: [],
      });
    }
    return {
      kind: 'ledger-entry',
      at: iso(line.at),
      summary: `ledger entry ${r.customerId}: ${r.outcome}${balance ? `, balance ${balance}` : ''}${r.alerted ? ', alerted' : ''}`,
      customerId: String(r.customerId),
      transactionId: String(r.transactionId),
      outcome: r.outcome === 'duplicate' ? 'duplicate' : 'applied',
      after: balance ?? '',
      children,
    };
  }

  #highBalance(lines: readonly LogLine[]): EventNode {
    const first = lines[0] as LogLine;
    const r = first.record;
    const alertId = String(r.alertId);
    const attempts: TraceNode[] = lines.map((line, i) => ({
      kind: 'attempt',
      at: iso(line.at),
      summary: `alerting run ${i + 1}: ${line.record.kind ?? line.record.message}${line.record.emailed ? ', emailed' : ''}`,
      attempt: i + 1,
      outcome: line.record.message === 'high balance alert' ? 'ok' : 'failed',
      children: [],
    }));
    const emailed = lines.find((l) => l.record.emailed === true);
    const messageId = str(emailed?.record.emailMessageId);
    const alert: TraceNode = {
      kind: 'alert',
      at: iso(first.at),
      summary: `alert ${alertId}: ${emailed ? 'emailed' : 'not emailed'}`,
      alertId,
      customerId: String(r.customerId),
      emailed: emailed !== undefined,
      children: messageId
        ? [
            {
              kind: 'email',
              at: iso(emailed?.at ?? first.at),
              summary: `email published to the HighBalanceAlert topic (SNS message ${messageId})`,
              messageId,
              children: [],
            },
          ]
        : [],
    };
    const rule = this.#rule(this.#rules.alerting, 'the alerting function', [...attempts, alert]);
    rule.children.push(...this.#lettersFor([String(r.eventId), str(r.envelopeId) ?? '', alertId]));
    return {
      kind: 'event',
      at: iso(first.at),
      summary: `HighBalanceDetected ${alertId} (event ${r.envelopeId ?? r.eventId})`,
      detailType: 'HighBalanceDetected',
      source: 'txnflow.ledger',
      eventId: str(r.envelopeId) ?? String(r.eventId),
      contractEventId: String(r.eventId),
      about: alertId,
      children: [rule],
    };
  }

  #replay(name: string, lines: readonly LogLine[]): ReplayNode {
    const replay = this.#replays.find((r) => r.name === name);
    const window =
      replay?.from && replay.to
        ? ` (window ${iso(replay.from)} to ${iso(replay.to)}, ${replay.state})`
        : '';
    return {
      kind: 'replay',
      ...(replay?.startedAt ? { at: iso(replay.startedAt) } : {}),
      summary: `replay ${name}${window}`,
      replayName: name,
      children: [this.#ledgerRule(lines, [])],
    };
  }

  #rule(rule: string, destination: string, children: TraceNode[]): RuleNode {
    return {
      kind: 'rule',
      summary: `rule ${rule} -> ${destination}`,
      rule,
      target: rule,
      destination,
      children,
    };
  }

  /** Dead letters about any of these ids, each placed once; a failure with its retry. */
  #lettersFor(ids: readonly string[]): TraceNode[] {
    const wanted = ids.filter((id) => id !== '');
    const found = this.#letters.filter(
      (letter) => !this.#placed.has(letter) && wanted.some((id) => idsOfLetter(letter).has(id)),
    );
    return found.map((letter) => this.#deadLetter(letter));
  }

  #deadLetter(letter: DeadLetter): TraceNode {
    this.#placed.add(letter);
    const retry = retryOf(letter);
    const error = letter.error ?? '(no error attribute)';
    this.failures.push({
      what: `message ${letter.messageId} in ${letter.queue.name}`,
      error,
      retry,
    });
    return {
      kind: 'dead-letter',
      ...(letter.sentAt ? { at: iso(letter.sentAt) } : {}),
      summary: `dead-lettered to ${letter.queue.name}: ${error} (still there)`,
      queue: letter.queue.name,
      messageId: letter.messageId,
      error,
      stillThere: true,
      retry,
      children: [],
    };
  }
}

export type { RuleNames, StageReplay };
export { AwsTreeBuilder, idsOfLetter };
