import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EventNode, type Trace, type TraceNode, walk } from '../../infra/trace/model.ts';
import { CliHarness, SAMPLE } from '../support/cli.ts';

/**
 * A seed that dead-letters one of the sample's transactions in LedgerTransactionsDLQ (and
 * strikes elsewhere too, with retries): fault decisions are hashes of seed and subject, so it
 * strikes the same way on every run.
 */
const FAULTS = 'duplicate=0.3,fail=0.5,seed=2';

type Kind = TraceNode['kind'];
const nodesOf = <K extends Kind>(trace: Trace, kind: K) =>
  [...walk(trace.roots)]
    .map(({ node }) => node)
    .filter((node): node is Extract<TraceNode, { kind: K }> => node.kind === kind);

interface Queued {
  body: string;
  errorMessage?: string;
}

describe('txnflow trace, on a file ingested under TXNFLOW_FAULTS', () => {
  let cli: CliHarness;
  let deadLettered: string[];
  let beforeRedrive: { code: number; trace: Trace };

  beforeAll(async () => {
    cli = await CliHarness.create({ TXNFLOW_FAULTS: FAULTS });
    const { code, output } = await cli.ingest(SAMPLE);
    expect(code).toBe(3);
    expect(output.deadLetters.map((d) => d.queue)).toEqual(['LedgerTransactionsDLQ']);
    const dead = await cli.json<Queued[]>('queue', 'LedgerTransactionsDLQ');
    deadLettered = [
      ...new Set(
        dead.map((m) => {
          const { customerId, transactionId } = JSON.parse(m.body).detail.data;
          return `${customerId}/${transactionId}`;
        }),
      ),
    ];
    const [first = ''] = deadLettered;
    const run = await cli.run('trace', first, '--json');
    beforeRedrive = { code: run.code, trace: JSON.parse(run.stdout) as Trace };
    const redriven = await cli.run('redrive', 'LedgerTransactionsDLQ');
    expect(redriven.code).toBe(0);
  }, 240_000);

  afterAll(async () => {
    await cli.dispose();
  });

  it('ends the trace of a dead-lettered transaction at the failure, with its error and the command that retries it', () => {
    // Assess
    expect(deadLettered.length).toBeGreaterThan(0);
    expect(beforeRedrive.code).toBe(3);
    expect(beforeRedrive.trace.failures).toContainEqual({
      what: expect.stringContaining(`TransactionRecorded ${deadLettered[0]}`),
      error: 'Injected fault: ledger.transactionRecorded failed before it ran',
      retry: 'txnflow redrive LedgerTransactionsDLQ',
    });
    expect(nodesOf(beforeRedrive.trace, 'ledger-entry')).toEqual([]);
  });

  it("reaches every accepted transaction's ledger entry, with the balance the ledger lists", async () => {
    // Prepare
    const transactions =
      await cli.json<{ customerId: string; transactionId: string }[]>('transactions');
    const entries =
      await cli.json<
        { customerId: string; transactionId: string; version: number; after: string }[]
      >('entries');

    // Act
    const traces = new Map<string, Trace>();
    for (const { customerId, transactionId } of transactions) {
      traces.set(
        `${customerId}/${transactionId}`,
        await cli.json<Trace>('trace', `${customerId}/${transactionId}`),
      );
    }

    // Assess
    expect(transactions).toHaveLength(24);
    for (const [id, trace] of traces) {
      const [customerId, transactionId] = id.split('/');
      const entry = entries.find(
        (e) => e.customerId === customerId && e.transactionId === transactionId,
      );
      const [event] = nodesOf(trace, 'event').filter((e) => e.about === id);
      expect(trace.kind, id).toBe('transaction');
      expect(trace.failures, id).toEqual([]);
      expect(nodesOf(trace, 'upload'), id).toEqual([
        expect.objectContaining({ key: 'incoming/transactions.txt' }),
      ]);
      expect(nodesOf(trace, 'ingest-run')[0]?.line, id).toEqual(expect.any(Number));
      const ledger = [...walk((event as EventNode).children)]
        .map((w) => w.node)
        .filter((n) => n.kind === 'ledger-entry');
      expect(ledger, id).toContainEqual(
        expect.objectContaining({
          customerId,
          transactionId,
          version: entry?.version,
          after: entry?.after,
        }),
      );
    }
  }, 120_000);

  it('shows both tries of the dead-lettered and redriven transaction: the failed receives, the dead letter, the redrive and the receive that took it', async () => {
    // Act
    const trace = await cli.json<Trace>('trace', deadLettered[0] ?? '');

    // Assess
    const [message] = nodesOf(trace, 'message').filter(
      (m) => m.queue === 'LedgerTransactions' && m.children.some((c) => c.kind === 'redrive'),
    );
    const steps = message?.children.map((c) =>
      c.kind === 'receive' ? `receive ${c.receiveCount} ${c.outcome}` : c.kind,
    );
    // The first try: five failed receives, then the queue's redrive policy dead-letters it.
    expect(steps?.slice(0, 7)).toEqual([
      'receive 1 failed',
      'receive 2 failed',
      'receive 3 failed',
      'receive 4 failed',
      'receive 5 failed',
      'dead-letter',
      'redrive',
    ]);
    // The second try, after the redrive (faults still strike, so maybe after more receives).
    expect(steps?.at(-1)).toMatch(/^receive \d ok$/);
    expect(message?.state).toBe('consumed');
    expect(trace.failures).toEqual([]);
    expect(nodesOf(trace, 'dead-letter')).toContainEqual(
      expect.objectContaining({ queue: 'LedgerTransactionsDLQ', stillThere: false }),
    );
    expect(nodesOf(trace, 'ledger-entry')).toHaveLength(1);
  }, 60_000);

  it("reaches an alert's email and both of its queue messages", async () => {
    // Prepare
    const [alert] = await cli.json<{ alertId: string }[]>('alerts');
    const emails = await cli.json<{ file: string }[]>('outbox');

    // Act
    const trace = await cli.json<Trace>('trace', alert?.alertId ?? '');

    // Assess
    expect(trace.kind).toBe('alert');
    expect(nodesOf(trace, 'alert')).toEqual([
      expect.objectContaining({ alertId: alert?.alertId, emailed: true }),
    ]);
    expect(nodesOf(trace, 'email').map((e) => e.file)).toEqual(emails.map((e) => e.file));
    const queued = nodesOf(trace, 'message').filter((m) => m.queue !== 'LedgerTransactions');
    expect(new Set(queued.map((m) => m.queue))).toEqual(
      new Set(['CustomerNotify', 'CreditCollection']),
    );
    for (const message of queued)
      expect(message.state).toMatch(/^in (CustomerNotify|CreditCollection)/);
  }, 60_000);
});

describe('txnflow trace, errors a user can act on', () => {
  let cli: CliHarness;

  beforeAll(async () => {
    cli = await CliHarness.create();
    await cli.ingest(SAMPLE);
  }, 120_000);

  afterAll(async () => {
    await cli.dispose();
  });

  it('says an unknown id names nothing, lists the kinds of id it takes and the known ids nearest to it', async () => {
    // Act
    const run = await cli.run('trace', 'C2/T2099');

    // Assess
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('nothing in this state folder has the id "C2/T2099"');
    expect(run.stderr).toContain('a transaction, CUSTOMER/TRANSACTION (C2/T1008)');
    expect(run.stderr).toMatch(/nearest transactions: C2\/T20\d\d, C2\/T20\d\d, C2\/T20\d\d/);
  });

  it('traces an upload by its key: every transaction of the file, its run and their ledger entries', async () => {
    // Act
    const trace = await cli.json<Trace>('trace', 'incoming/transactions.txt');

    // Assess
    expect(trace.kind).toBe('upload');
    expect(nodesOf(trace, 'ingest-run')).toEqual([
      expect.objectContaining({ accepted: 24, duplicates: 0, rejected: [] }),
    ]);
    expect(
      nodesOf(trace, 'event').filter((e) => e.detailType === 'TransactionRecorded'),
    ).toHaveLength(24);
    expect(nodesOf(trace, 'ledger-entry')).toHaveLength(24);
  });

  it('shows a backfill replay as its own branch, and that alerting took neither it nor what the ledger detected again', async () => {
    // Prepare
    await cli.run('reset', 'ledger');
    await cli.run(
      'replay',
      '--from',
      '2000-01-01T00:00:00Z',
      '--rule',
      'TransactionRecordedToLedger',
    );
    const [alert] = await cli.json<{ alertId: string }[]>('alerts');

    // Act
    const trace = await cli.json<Trace>('trace', alert?.alertId.replace(':', '/') ?? '');

    // Assess
    const [replay] = nodesOf(trace, 'replay');
    expect(replay?.rules).toEqual(['TransactionRecordedToLedger']);
    const again = [...walk(replay?.children ?? [])].map((w) => w.node);
    expect(again).toContainEqual(expect.objectContaining({ kind: 'ledger-entry' }));
    expect(again).toContainEqual(
      expect.objectContaining({
        kind: 'event',
        detailType: 'HighBalanceDetected',
        replayName: replay?.replayName,
      }),
    );
    expect(again).toContainEqual(
      expect.objectContaining({
        kind: 'not-taken',
        rules: [
          'HighBalanceToAlerting',
          'HighBalanceToCustomerNotify',
          'HighBalanceToCreditCollection',
        ],
      }),
    );
    expect(await cli.json<unknown[]>('alerts')).toHaveLength(1);
  });
});
