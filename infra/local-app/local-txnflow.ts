import { createReadStream } from 'node:fs';
import { basename } from 'node:path';
import { type Alert, SqliteAlertStore } from '@txnflow/alerting';
import { formatMoney, localTableName } from '@txnflow/contracts';
import { type IngestSummary, reportKeysFor, SqliteIngestStore } from '@txnflow/ingest';
import { SqliteLedgerStore } from '@txnflow/ledger';
import {
  type Clock,
  LocalRuntime,
  type LocalRuntimeOptions,
  parseFaultSpec,
} from '../local/index.ts';
import { txnflowFaultKey } from './fault-keys.ts';
import type { Log } from './service-context.ts';
import { findLocalService, localServices } from './services.ts';
import { ARCHIVE_NAME, localBucketName, type RuleRedriveTarget, wireServices } from './wire.ts';

interface OpenLocalTxnflowOptions {
  readonly stateDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: Log;
  readonly alertEmail?: string;
  readonly faults?: LocalRuntimeOptions['faults'];
  /** The runtime's time (a `ManualClock` in tests). @default systemClock */
  readonly clock?: Clock;
  readonly onObjectRead?: (key: string, bytesRead: number) => void;
}

const quietLog: Log = { info() {}, warn() {}, error() {} };

/** How long a CLI command waits for the pipeline to settle. */
const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60 * 1000;

async function readAll(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of stream) parts.push(Buffer.from(chunk));
  return Buffer.concat(parts).toString('utf8');
}

/**
 * txnflow on the embedded local runtime: the three services wired from their manifests onto
 * one SQLite state folder, with the operations and listings the CLI offers.
 *
 * @example const txnflow = LocalTxnflow.open({ stateDir: '.txnflow' });
 */
class LocalTxnflow {
  readonly runtime: LocalRuntime;
  readonly uploadsBucket = localBucketName('ingest', 'Uploads');

  readonly #ruleDeadLetters: ReadonlyMap<string, RuleRedriveTarget>;

  private constructor(
    runtime: LocalRuntime,
    ruleDeadLetters: ReadonlyMap<string, RuleRedriveTarget>,
  ) {
    this.runtime = runtime;
    this.#ruleDeadLetters = ruleDeadLetters;
  }

  static open(options: OpenLocalTxnflowOptions): LocalTxnflow {
    const env = options.env ?? process.env;
    const runtime = LocalRuntime.open({
      stateDir: options.stateDir,
      faults: {
        eventKey: txnflowFaultKey,
        ...(options.faults ?? parseFaultSpec(env.TXNFLOW_FAULTS ?? '')),
      },
      ...(options.clock ? { clock: options.clock } : {}),
    });
    const ruleDeadLetters = wireServices(runtime, localServices, {
      env,
      log: options.log ?? quietLog,
      ...(options.alertEmail ? { alertEmail: options.alertEmail } : {}),
      ...(options.onObjectRead ? { onObjectRead: options.onObjectRead } : {}),
    });
    return new LocalTxnflow(runtime, ruleDeadLetters);
  }

  /** Puts each file in the bucket (S3 then says "Object Created"), runs until idle. */
  async ingestFiles(
    paths: readonly string[],
    timeoutMs = DEFAULT_IDLE_TIMEOUT_MS,
  ): Promise<IngestSummary[]> {
    const keys: string[] = [];
    for (const path of paths) {
      const key = `incoming/${basename(path)}`;
      await this.runtime.putObject({
        bucket: this.uploadsBucket,
        key,
        body: createReadStream(path),
      });
      keys.push(key);
    }
    await this.runUntilIdle(timeoutMs);
    return Promise.all(keys.map((key) => this.summaryOf(key)));
  }

  async summaryOf(key: string): Promise<IngestSummary> {
    const stream = await this.runtime.getObject({
      bucket: this.uploadsBucket,
      key: reportKeysFor(key).summary,
    });
    return JSON.parse(await readAll(stream)) as IngestSummary;
  }

  runUntilIdle(timeoutMs = DEFAULT_IDLE_TIMEOUT_MS): Promise<unknown> {
    return this.runtime.runUntilIdle({ timeoutMs });
  }

  async balances(): Promise<{ customerId: string; balance: string }[]> {
    const balances = await new SqliteLedgerStore(this.runtime.db).listBalances();
    return balances.map((b) => ({ customerId: b.customerId, balance: formatMoney(b.cents) }));
  }

  async customers(): Promise<{ customerId: string; address: string }[]> {
    return new SqliteIngestStore(this.runtime.db).listCustomers();
  }

  async transactions(customerId?: string) {
    const rows = await new SqliteIngestStore(this.runtime.db).listTransactions(customerId);
    return rows.map((t) => ({
      customerId: t.customerId,
      transactionId: t.transactionId,
      date: t.transactionDate,
      amount: formatMoney(t.amountCents),
    }));
  }

  async alerts() {
    const alerts: Alert[] = await new SqliteAlertStore(this.runtime.db).listAlerts();
    return alerts.map((a) => ({
      alertId: a.alertId,
      customerId: a.customerId,
      balance: formatMoney(a.balanceCents),
      previousBalance: formatMoney(a.previousBalanceCents),
      threshold: formatMoney(a.thresholdCents),
      transactionId: a.transactionId,
      transactionDate: a.transactionDate,
      detectedAt: a.detectedAt,
      emailed: a.notified,
    }));
  }

  /** The messages now in a queue, left in place; `id` first, as the CLI lists them. */
  queue(name: string) {
    return this.runtime.peekMessages(name).map((m) => ({ id: m.messageId, ...m }));
  }

  /** The alert emails; with `raw`, each `.eml` file's text too. */
  outbox(options: { raw?: boolean } = {}) {
    return this.runtime.listOutbox(options);
  }

  events() {
    return this.runtime.listArchivedEvents({ archive: ARCHIVE_NAME });
  }

  /** Replays the archive window to all rules, or to the named ones, and runs until idle. */
  async replay(options: { from: Date; to: Date; rules?: readonly string[]; name?: string }) {
    const name = options.name ?? `replay-${Date.now()}`;
    this.runtime.startReplay({
      name,
      archive: ARCHIVE_NAME,
      from: options.from,
      to: options.to,
      ...(options.rules && options.rules.length > 0 ? { rules: [...options.rules] } : {}),
    });
    await this.runUntilIdle();
    return this.runtime.describeReplay(name);
  }

  /** Empties a service's tables, as a fresh deployment of it would find them. */
  reset(service: string): { service: string; tables: string[] } {
    const found = findLocalService(service);
    if (!found) {
      const known = localServices.map((s) => s.manifest.service).join(', ');
      throw new Error(`unknown service "${service}" (known: ${known})`);
    }
    const tables = found.manifest.tables.map((t) => localTableName(service, t.name));
    this.runtime.db.transaction(() => {
      for (const table of tables) this.runtime.db.exec(`DELETE FROM ${table}`);
    })();
    return { service, tables };
  }

  /**
   * Gives a dead-letter queue's messages another try: a queue's DLQ moves them back to the
   * queue (SQS redrive); a rule's DLQ hands each event to the rule's target again, as an
   * operator re-driving an EventBridge DLQ would. Runs until idle.
   */
  async redrive(queue: string): Promise<{ queue: string; moved: number; failed: number }> {
    const rule = this.#ruleDeadLetters.get(queue);
    if (!rule) {
      const moved = this.runtime.moveMessages({ from: queue });
      await this.runUntilIdle();
      return { queue, moved, failed: 0 };
    }
    let moved = 0;
    let failed = 0;
    // Only what is there now: a poison event re-dead-lettered by its handler waits for later.
    let left = this.runtime.peekMessages(queue).length;
    for (
      let batch = this.#receive(queue, left);
      left > 0 && batch.length > 0;
      batch = this.#receive(queue, left)
    ) {
      left -= batch.length;
      for (const message of batch) {
        try {
          await this.#redeliver(rule, message.body, message.messageId);
          this.runtime.deleteMessage({ queue, receiptHandle: message.receiptHandle });
          moved += 1;
        } catch {
          failed += 1;
        }
      }
    }
    await this.runUntilIdle();
    return { queue, moved, failed };
  }

  async #redeliver(rule: RuleRedriveTarget, body: string, messageId: string): Promise<void> {
    if (rule.kind === 'queue') {
      this.runtime.sendMessage({ queue: rule.queue, body });
      return;
    }
    const context = { functionName: rule.rule, awsRequestId: messageId, attempt: 1 };
    await rule.handler(JSON.parse(body) as never, context as never);
  }

  #receive(queue: string, left: number) {
    // A long visibility timeout: a message that fails again stays out of this loop.
    const maxMessages = Math.max(1, Math.min(10, left));
    return this.runtime.receiveMessages({ queue, maxMessages, visibilityTimeoutSeconds: 3600 });
  }

  close(): void {
    this.runtime.close();
  }
}

export type { OpenLocalTxnflowOptions };
export { DEFAULT_IDLE_TIMEOUT_MS, LocalTxnflow };
