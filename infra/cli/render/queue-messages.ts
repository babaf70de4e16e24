/** A queued message as `txnflow queue NAME --json` prints it (see LocalTxnflow.queue). */
interface ListedMessage {
  readonly id: string;
  readonly sentAt: string;
  readonly receiveCount: number;
  readonly errorMessage?: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: string;
}

/** One line of the table `txnflow queue NAME` prints (a type, so it reads as a table row). */
type MessageLine = {
  readonly id: string;
  readonly receives: number;
  readonly age: string;
  readonly body: string;
  readonly error: string;
};

/** How much of a body that is not an event the table shows. */
const BODY_CHARS = 60;

const MONEY_FIELDS = ['amount', 'balance', 'threshold'] as const;

/**
 * How long ago, in the largest unit that keeps it short: `42s`, `5m`, `3h`, `2d`.
 *
 * @example formatAge(90_000) // '1m'
 */
function formatAge(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m`;
  if (s < 48 * 3600) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86_400)}d`;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** What an event is about: its detail-type, whose transaction, the money, the object key. */
function summarizeEvent(event: Record<string, unknown>): string | undefined {
  const detailType = event['detail-type'];
  if (typeof detailType !== 'string' || !isRecord(event.detail)) return undefined;
  const data = isRecord(event.detail.data) ? event.detail.data : event.detail;
  const parts = [detailType];
  const { customerId, transactionId, alertId } = data;
  if (typeof customerId === 'string' && typeof transactionId === 'string') {
    parts.push(`${customerId}/${transactionId}`);
  } else if (typeof alertId === 'string') {
    parts.push(`alert ${alertId}`);
  } else if (typeof customerId === 'string') {
    parts.push(customerId);
  }
  for (const field of MONEY_FIELDS) {
    if (typeof data[field] === 'string') parts.push(`${field} ${data[field]}`);
  }
  const object = event.detail.object;
  if (isRecord(object) && typeof object.key === 'string') parts.push(object.key);
  const replay = event['replay-name'];
  if (typeof replay === 'string') parts.push(`(replay ${replay})`);
  return parts.join(' ');
}

/**
 * A body in a few words: an EventBridge event as its detail-type and what it is about
 * (`HighBalanceDetected alert C2:T2011 balance 1581.50 threshold 1500.00`), anything else as its
 * first characters on one line.
 *
 * @example summarizeBody('{"detail-type":"TransactionRecorded","detail":{"data":{"customerId":"C2","transactionId":"T1","amount":"5.00"}}}') // 'TransactionRecorded C2/T1 amount 5.00'
 */
function summarizeBody(body: string): string {
  try {
    const parsed: unknown = JSON.parse(body);
    const summary = isRecord(parsed) ? summarizeEvent(parsed) : undefined;
    if (summary) return summary;
  } catch {
    // Not JSON: shown as text.
  }
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length <= BODY_CHARS ? line : `${line.slice(0, BODY_CHARS - 1)}…`;
}

/** Why a dead-lettered message failed: `ERROR_CODE: ERROR_MESSAGE`, or the last error. */
function errorOf(message: ListedMessage): string {
  const code = message.attributes.ERROR_CODE;
  const text = message.errorMessage ?? '';
  return code ? `${code}: ${text}` : text;
}

/**
 * The lines of `txnflow queue NAME`: id, receive count, age, the body in a few words, and the
 * error a dead-lettered message carries. `--json` prints the messages whole instead.
 *
 * @example renderTable(messageLines(txnflow.queue('LedgerTransactionsDLQ'), Date.now()))
 */
function messageLines(messages: readonly ListedMessage[], now: number): MessageLine[] {
  return messages.map((m) => ({
    id: m.id,
    receives: m.receiveCount,
    age: formatAge(now - Date.parse(m.sentAt)),
    body: summarizeBody(m.body),
    error: errorOf(m),
  }));
}

export type { ListedMessage, MessageLine };
export { formatAge, messageLines, summarizeBody };
