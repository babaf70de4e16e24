import { createReadStream, existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alertView, SqliteAlertStore } from '@txnflow/alerting';
import type { Log } from '@txnflow/contracts';
import { BUS_NAME, formatMoney, localTableName } from '@txnflow/contracts';
import {
  type IngestSummary,
  reportKeysFor,
  SqliteIngestStore,
  transactionView,
} from '@txnflow/ingest';
import { SqliteLedgerStore } from '@txnflow/ledger';
import {
  assertNotDamaged,
  type Clock,
  DATABASE_FILE,
  DriverLock,
  eventIdInBody,
  LOCK_FILE,
  LocalRuntime,
  type LocalRuntimeOptions,
  NoSuchKeyError,
  parseFaultSpec,
  ReadOnlyRuntimeError,
  ResourceNotFoundError,
  type RuntimeLog,
  readHolder,
  retryWithBackoff,
  StateFolderBusyError,
  type TraceFact,
  type WaitPolicy,
} from '../local/index.ts';
import { NotADeadLetterQueueError } from './errors.ts';
import { txnflowFaultKey } from './fault-keys.ts';
import { type IngestReport, latestIngestReport } from './ingest-reports.ts';
import { LOCAL_RETRY_BACKOFF } from './local-time-scale.ts';
import { deadLetterSources, listQueueDepths, type QueueListing } from './queue-listing.ts';
import { findLocalService, type LocalService, localServices } from './services.ts';
import { UPLOADS_PREFIX, uploadKeyFor } from './upload-keys.ts';
import {
  ARCHIVE_NAME,
  deadLetterQueuesOf,
  localBucketName,
  type RuleRedriveTarget,
  wireServices,
} from './wire.ts';

interface OpenLocalTxnflowOptions {
  readonly stateDir: string;
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: Log;
  readonly alertEmail?: string;
  readonly faults?: LocalRuntimeOptions['faults'];
  /** The runtime's time (a `ManualClock` in tests). @default systemClock */
  readonly clock?: Clock;
  readonly onObjectRead?: (key: string, bytesRead: number) => void;
  /** The folder's driver lock, already taken; the txnflow owns it and releases it on close. */
  readonly lock?: DriverLock;
  /** How the lock's holder note names this process, e.g. `txnflow ingest a.txt`. */
  readonly owner?: string;
  /** The runtime's own log (events dropped for want of a bus, say). @default - stderr */
  readonly runtimeLog?: RuntimeLog;
  /**
   * The services to wire, each with the manifest of one of txnflow's services: a test swaps a
   * service's handlers (a next version of an event, say) without changing its routing.
   * @default localServices
   */
  readonly services?: readonly LocalService[];
}

/** A file to upload and the bucket key it goes to. */
interface Upload {
  readonly path: string;
  readonly key: string;
}

/** One uploaded file after the run settled. */
interface IngestedFile extends Upload {
  /** The version the upload created (the uploads bucket is versioned, as on AWS). */
  readonly versionId?: string;
  /** Absent when ingest did not finish the file (its event ended in a dead-letter queue). */
  readonly summary?: IngestSummary;
}

/** A dead-letter queue and how many messages it holds now. */
interface DeadLetterCount {
  readonly queue: string;
  readonly messages: number;
}

const quietLog: Log = { info() {}, warn() {}, error() {} };

/** How long a CLI command waits for the pipeline to settle. */
const DEFAULT_IDLE_TIMEOUT_MS = 30 * 60 * 1000;

/** Every table the services keep, by its local name: a listing reads them all. */
const SERVICE_TABLES = localServices.flatMap((s) =>
  s.manifest.tables.map((t) => localTableName(s.manifest.service, t.name)),
);

/**
 * Whether a driver has wired the folder: wiring commits in one transaction (see `open`), so
 * rules on the bus mean all of it; the tables are checked too, for folders wired before that.
 */
function isWired(runtime: LocalRuntime): boolean {
  if (runtime.listRules(BUS_NAME).length === 0) return false;
  const marks = SERVICE_TABLES.map(() => '?').join(', ');
  const row = runtime.db
    .prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name IN (${marks})`)
    .get(...SERVICE_TABLES) as { n: number };
  return row.n === SERVICE_TABLES.length;
}

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
  /** Set on the empty state {@link openForReading} shows for a folder that holds none. */
  #stand: { readonly dir: string } | undefined;

  private constructor(
    runtime: LocalRuntime,
    ruleDeadLetters: ReadonlyMap<string, RuleRedriveTarget>,
  ) {
    this.runtime = runtime;
    this.#ruleDeadLetters = ruleDeadLetters;
  }

  /**
   * False when the folder held no state and this is the empty one set up beside it (see
   * {@link openForReading}): nothing was created in the folder.
   */
  get hasState(): boolean {
    return this.#stand === undefined;
  }

  /**
   * Opens the state folder as its driver (taking its lock now unless `options.lock` is given)
   * and wires the services onto it.
   *
   * @example const txnflow = LocalTxnflow.open({ stateDir: '.txnflow' });
   * @throws {StateFolderBusyError} when another process drives the folder.
   */
  static open(options: OpenLocalTxnflowOptions): LocalTxnflow {
    const env = options.env ?? process.env;
    const runtime = LocalRuntime.open({
      stateDir: options.stateDir,
      // The attempts come from each target's retry policy (see wire.ts), the waits from here.
      retry: LOCAL_RETRY_BACKOFF,
      env,
      faults: {
        eventKey: txnflowFaultKey,
        ...(options.faults ?? parseFaultSpec(env.TXNFLOW_FAULTS ?? '')),
      },
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.lock ? { lock: options.lock } : {}),
      ...(options.owner ? { owner: options.owner } : {}),
      ...(options.runtimeLog ? { log: options.runtimeLog } : {}),
    });
    try {
      // One transaction: a reader sees the folder either not wired yet or wired whole.
      const ruleDeadLetters = runtime.db
        .transaction(() =>
          wireServices(runtime, options.services ?? localServices, {
            env,
            log: options.log ?? quietLog,
            ...(options.alertEmail ? { alertEmail: options.alertEmail } : {}),
            ...(options.onObjectRead ? { onObjectRead: options.onObjectRead } : {}),
          }),
        )
        .immediate();
      return new LocalTxnflow(runtime, ruleDeadLetters);
    } catch (error) {
      runtime.close();
      throw error;
    }
  }

  /**
   * Opens the state folder as its driver once whoever drives it now has finished, waiting
   * at most `wait.timeoutMs`; a lock already held (`options.lock`) is used as it is.
   *
   * @example const txnflow = await LocalTxnflow.openWhenFree({ stateDir: '.txnflow' }, { timeoutMs: 60_000 });
   * @throws {StateFolderBusyError} naming the driver, when the wait ran out.
   */
  static async openWhenFree(
    options: OpenLocalTxnflowOptions,
    wait: WaitPolicy,
  ): Promise<LocalTxnflow> {
    const lock = options.lock ?? (await DriverLock.acquire(options.stateDir, options.owner, wait));
    return LocalTxnflow.open({ ...options, lock });
  }

  /**
   * Opens the state folder read-only, for listings, beside whichever process drives it;
   * `undefined` when it is not set up yet (see {@link openForReading}).
   *
   * @example const txnflow = LocalTxnflow.openReadOnly({ stateDir: '.txnflow' });
   */
  static openReadOnly(options: { readonly stateDir: string }): LocalTxnflow | undefined {
    const runtime = LocalRuntime.openReadOnly({ stateDir: options.stateDir });
    if (!runtime) return undefined;
    try {
      if (isWired(runtime)) return new LocalTxnflow(runtime, new Map());
    } catch (error) {
      runtime.close();
      throw error;
    }
    runtime.close();
    return undefined;
  }

  /**
   * Opens the state folder for listings without ever driving it: read-only when it is set up.
   * A folder that holds no state (no `runtime.sqlite`, nobody setting it up) is neither created
   * nor set up: what is shown is an empty state, set up in a temporary folder and removed on
   * close ({@link hasState} is false). A folder whose driver is still setting it up is waited
   * for, at most `wait.timeoutMs`; one an earlier version left without this version's schema
   * or wiring, and nobody drives, is brought up to date first (as a driver, closed before it
   * delivers anything).
   *
   * @example const txnflow = await LocalTxnflow.openForReading({ stateDir: '.txnflow' }, { timeoutMs: 60_000 });
   * @throws {StateFolderBusyError} when the folder's driver did not set it up in time.
   * @throws {DamagedStateFolderError} when `runtime.sqlite` is gone but what it indexed is not.
   */
  static async openForReading(
    options: OpenLocalTxnflowOptions,
    wait: WaitPolicy,
  ): Promise<LocalTxnflow> {
    const { stateDir } = options;
    const attempt = (): LocalTxnflow | undefined => {
      const reader = LocalTxnflow.openReadOnly({ stateDir });
      if (reader) return reader;
      if (holdsNoState(stateDir)) return LocalTxnflow.#openEmpty(options);
      const lock = DriverLock.tryAcquire(stateDir, options.owner);
      if (!lock) return undefined;
      LocalTxnflow.open({ ...options, lock }).close();
      return LocalTxnflow.openReadOnly({ stateDir });
    };
    const now = wait.now ?? Date.now;
    const started = now();
    const reader = await retryWithBackoff(attempt, {
      ...wait,
      onBusy: () => wait.onWait?.(readHolder(stateDir)),
    });
    if (reader) return reader;
    throw new StateFolderBusyError(stateDir, readHolder(stateDir), now() - started);
  }

  /** An empty state, set up in a temporary folder that {@link close} removes. */
  static #openEmpty(options: OpenLocalTxnflowOptions): LocalTxnflow {
    const dir = mkdtempSync(join(tmpdir(), 'txnflow-empty-state-'));
    try {
      LocalTxnflow.open({ ...options, stateDir: dir, lock: undefined }).close();
      const reader = LocalTxnflow.openReadOnly({ stateDir: dir });
      if (!reader) throw new Error(`the empty state set up in ${dir} cannot be read`);
      reader.#stand = { dir };
      return reader;
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * A distinct bucket key for each file, `incoming/<file name>` unless an earlier upload
   * (now or before) took it: see {@link uploadKeyFor}.
   */
  planUploads(paths: readonly string[]): Upload[] {
    const taken = new Set(
      this.runtime
        .listObjects({ bucket: this.uploadsBucket, prefix: UPLOADS_PREFIX })
        .map((o) => o.key),
    );
    return paths.map((path) => {
      const key = uploadKeyFor(path, (k) => taken.has(k));
      taken.add(key);
      return { path, key };
    });
  }

  /** Puts each file in the bucket (S3 then says "Object Created"), runs until idle. */
  async ingest(
    uploads: readonly Upload[],
    timeoutMs = DEFAULT_IDLE_TIMEOUT_MS,
  ): Promise<IngestedFile[]> {
    const uploaded: { path: string; key: string; versionId?: string }[] = [];
    for (const { path, key } of uploads) {
      const { versionId } = await this.runtime.putObject({
        bucket: this.uploadsBucket,
        key,
        body: createReadStream(path),
      });
      uploaded.push(versionId === undefined ? { path, key } : { path, key, versionId });
    }
    await this.runUntilIdle(timeoutMs);
    return Promise.all(
      uploaded.map(async (upload) => {
        if (upload.versionId === undefined) return upload;
        const summary = await this.summaryOf(upload.key, upload.versionId).catch(
          (error: unknown) => {
            if (error instanceof NoSuchKeyError) return undefined;
            throw error;
          },
        );
        return summary ? { ...upload, summary } : upload;
      }),
    );
  }

  /**
   * {@link ingest} of the files at their planned keys, returning their summaries.
   *
   * @throws {Error} naming the file when ingest did not finish one (no summary was written).
   */
  async ingestFiles(
    paths: readonly string[],
    timeoutMs = DEFAULT_IDLE_TIMEOUT_MS,
  ): Promise<IngestSummary[]> {
    const files = await this.ingest(this.planUploads(paths), timeoutMs);
    return files.map(({ path, key, summary }) => {
      if (!summary) throw new Error(`${path} (${key}): ingest did not finish, no summary`);
      return summary;
    });
  }

  /** The summary ingest wrote for that version of the object. */
  async summaryOf(key: string, versionId: string): Promise<IngestSummary> {
    const stream = await this.runtime.getObject({
      bucket: this.uploadsBucket,
      key: reportKeysFor(key, versionId).summary,
    });
    return JSON.parse(await readAll(stream)) as IngestSummary;
  }

  /** Every dead-letter queue of the services, with how many messages it holds now. */
  deadLetterCounts(): DeadLetterCount[] {
    return deadLetterQueuesOf(localServices).map((queue) => ({
      queue,
      messages: this.runtime.peekMessages(queue).length,
    }));
  }

  runUntilIdle(timeoutMs = DEFAULT_IDLE_TIMEOUT_MS): Promise<unknown> {
    return this.runtime.runUntilIdle({ timeoutMs });
  }

  /** Every balance, exactly as stored: see {@link listExactBalances}. */
  async balances(): Promise<{ customerId: string; balance: string }[]> {
    return new SqliteLedgerStore(this.runtime.db).listBalancesAsStored();
  }

  /** The ledger's entries in chain order, of one customer or of every customer. */
  async ledgerEntries(customerId?: string) {
    const store = new SqliteLedgerStore(this.runtime.db);
    const customers = customerId
      ? [customerId]
      : (await store.listBalances()).map((b) => b.customerId);
    const entries = [];
    for (const customer of customers) entries.push(...(await store.listEntries(customer)));
    return entries.map((e) => ({
      customerId: e.customerId,
      version: e.version,
      transactionId: e.transactionId,
      date: e.transactionDate,
      amount: formatMoney(e.amountCents),
      before: formatMoney(e.balanceBeforeCents),
      after: formatMoney(e.balanceAfterCents),
      crossed: e.crossedThreshold,
      alertPublished: e.alertPublished,
    }));
  }

  async customers(): Promise<{ customerId: string; address: string }[]> {
    return new SqliteIngestStore(this.runtime.db).listCustomers();
  }

  async transactions(customerId?: string) {
    const rows = await new SqliteIngestStore(this.runtime.db).listTransactions(customerId);
    return rows.map(transactionView);
  }

  async alerts() {
    const alerts = await new SqliteAlertStore(this.runtime.db).listAlerts();
    return alerts.map(alertView);
  }

  /** Every queue and dead-letter queue with its depth (visible, in flight), by name. */
  queues(): QueueListing[] {
    return listQueueDepths(this.runtime.listQueues(), localServices);
  }

  /**
   * The summary and rejects report of the latest ingest of a file (its bucket key, or the
   * name it was uploaded under), with where they are on disk.
   *
   * @throws {NoIngestReportError} when no upload matches or none was ingested to the end.
   */
  ingestReport(file: string): Promise<IngestReport> {
    return latestIngestReport(this.runtime, this.uploadsBucket, file);
  }

  /** Whether nothing was ever uploaded or published here: no state, or an empty one. */
  holdsNothing(): boolean {
    if (!this.hasState) return true;
    if (this.archiveSpan() !== undefined) return false;
    return this.runtime.listObjects({ bucket: this.uploadsBucket }).length === 0;
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

  /** Events PutEvents dropped because their bus does not exist (EventBridge drops them too). */
  droppedEvents() {
    return this.runtime.listDroppedEvents();
  }

  /** The earliest and latest event times in the archive (a replay window selects on them); `undefined` when it holds none. */
  archiveSpan(): { first: Date; last: Date } | undefined {
    // The runtime's own table, read directly: the archive API lists events, not their span.
    const row = this.runtime.db
      .prepare(
        'SELECT MIN(a.event_time) AS first, MAX(a.event_time) AS last FROM rt_archive_events a ' +
          'JOIN rt_archives r ON r.id = a.archive_id WHERE r.name = ?',
      )
      .get(ARCHIVE_NAME) as { first: number | null; last: number | null };
    if (row.first === null || row.last === null) return undefined;
    return { first: new Date(row.first), last: new Date(row.last) };
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
    if (!this.runtime.drives) throw new ReadOnlyRuntimeError('reset');
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
   * operator re-driving an EventBridge DLQ would; with `to`, they all go to that queue
   * instead (SQS's StartMessageMoveTask with a DestinationArn). Runs until idle.
   *
   * @throws {NotADeadLetterQueueError} when `queue` is not one of the services' DLQs.
   * @throws {ResourceNotFoundError} when `queue` or `to` does not exist.
   */
  async redrive(
    queue: string,
    to?: string,
  ): Promise<{ queue: string; moved: number; failed: number }> {
    const found = this.runtime.listQueues().find((q) => q.name === queue);
    if (!found) {
      throw new ResourceNotFoundError('Queue', queue, 'AWS.SimpleQueueService.NonExistentQueue');
    }
    if (!deadLetterSources(localServices).has(queue)) {
      throw new NotADeadLetterQueueError(queue, found.deadLetterQueue);
    }
    const rule = this.#ruleDeadLetters.get(queue);
    if (!rule || to !== undefined) {
      const moved = this.runtime.moveMessages({ from: queue, ...(to === undefined ? {} : { to }) });
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
          await this.#redeliver(queue, rule, message.body, message.messageId);
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

  /** Hands a rule's dead letter to the rule's target again, and records how that went. */
  async #redeliver(
    queue: string,
    rule: RuleRedriveTarget,
    body: string,
    messageId: string,
  ): Promise<void> {
    const subject = { ref: eventIdInBody(body) ?? messageId };
    if (rule.kind === 'queue') {
      const sent = this.runtime.sendMessage({ queue: rule.queue, body });
      const fact: TraceFact = {
        kind: 'redriven',
        from: queue,
        to: rule.queue,
        messageId: sent.messageId,
      };
      this.runtime.recordTraceFact(fact, subject);
      return;
    }
    const context = { functionName: rule.rule, awsRequestId: messageId, attempt: 1 };
    const startedAt = this.runtime.clock.now();
    const attempt = { kind: 'redrive-attempt', queue, rule: rule.rule, messageId } as const;
    const { destination } = rule;
    try {
      await rule.handler(JSON.parse(body) as never, context as never);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const durationMs = this.runtime.clock.now() - startedAt;
      this.runtime.recordTraceFact(
        { ...attempt, destination, durationMs, outcome: 'failed', error: message },
        subject,
      );
      throw error;
    }
    const durationMs = this.runtime.clock.now() - startedAt;
    this.runtime.recordTraceFact({ ...attempt, destination, durationMs, outcome: 'ok' }, subject);
  }

  #receive(queue: string, left: number) {
    // A long visibility timeout: a message that fails again stays out of this loop.
    const maxMessages = Math.max(1, Math.min(10, left));
    return this.runtime.receiveMessages({ queue, maxMessages, visibilityTimeoutSeconds: 3600 });
  }

  close(): void {
    this.runtime.close();
    if (this.#stand) rmSync(this.#stand.dir, { recursive: true, force: true });
  }
}

/**
 * Whether the folder holds no state and nobody is setting one up: no database file, and no
 * driver's lock file (a driver creates that first), or one nobody holds.
 *
 * @throws {DamagedStateFolderError} when the database is gone but what it indexed is not.
 */
function holdsNoState(stateDir: string): boolean {
  const folder = statSync(stateDir, { throwIfNoEntry: false });
  if (folder && !folder.isDirectory()) throw new Error(`${stateDir} is a file, not a folder`);
  if (existsSync(join(stateDir, DATABASE_FILE))) return false;
  // Emails and objects without the database that indexed them: damaged, not empty.
  assertNotDamaged(stateDir);
  if (!existsSync(join(stateDir, LOCK_FILE))) return true;
  const lock = DriverLock.tryAcquire(stateDir);
  if (!lock) return false;
  lock.release();
  return !existsSync(join(stateDir, DATABASE_FILE));
}

export type { DeadLetterCount, IngestedFile, OpenLocalTxnflowOptions, Upload };
export { DEFAULT_IDLE_TIMEOUT_MS, LocalTxnflow };
