import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTransactionsFile } from '../../infra/bench/generate-transactions.ts';
import { type Clock, ManualClock, systemClock } from '../../infra/local/index.ts';
import { txnflowFaultKey } from '../../infra/local-app/fault-keys.ts';
import { LocalTxnflow } from '../../infra/local-app/local-txnflow.ts';

const ROWS = 3_000;
const FAULTS = { duplicateRate: 0.3, failRate: 0.5, seed: 1 } as const;

const DEAD_LETTER_QUEUES = [
  'LedgerTransactionsDLQ',
  'TransactionRecordedToLedgerDLQ',
  'UploadsObjectCreatedToIngestDLQ',
  'HighBalanceToAlertingDLQ',
  'HighBalanceToCustomerNotifyDLQ',
  'HighBalanceToCreditCollectionDLQ',
];

/** The fault key of a dead-lettered message's event (its body), or the body itself. */
function keyOfBody(body: string): string {
  try {
    return txnflowFaultKey(JSON.parse(body) as Parameters<typeof txnflowFaultKey>[0]);
  } catch {
    return body;
  }
}

/**
 * One faulty ingest of the file on a fresh state folder: which events (by fault key) each
 * dead-letter queue holds, and every fault that struck, each once (sorted: the order they
 * struck in may differ).
 *
 * Why keys and not copies: the ledger publishes an alert, then marks it published; a
 * duplicate delivery of the crossing transaction that is read in between publishes it again
 * (at least once, as on AWS, where two invocations can do the same; alerting absorbs it by
 * alert id). How often that happens depends on how batches interleave, that is on timing.
 * The copy meets exactly the faults the original met (faults are decided by event key and
 * attempt), so the faults struck and the events dead-lettered, as keys, are what must not
 * depend on timing.
 */
async function faultyRun(stateDir: string, file: string, clock: Clock) {
  const struck = new Set<string>();
  const txnflow = LocalTxnflow.open({
    stateDir,
    env: {},
    faults: {
      ...FAULTS,
      onFault: (f) => struck.add(`${f.kind} ${f.target} ${f.key} attempt ${f.attempt}`),
    },
    clock,
  });
  try {
    await txnflow.ingestFiles([file]);
    const deadLetters = Object.fromEntries(
      DEAD_LETTER_QUEUES.map((q) => [
        q,
        [...new Set(txnflow.queue(q).map((m) => keyOfBody(m.body)))].sort(),
      ]),
    );
    return { deadLetters, faults: [...struck].sort() };
  } finally {
    txnflow.close();
  }
}

describe('Fault drills with a seed', () => {
  let dir: string;
  let file: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-determinism-'));
    file = join(dir, 'generated.txt');
    await generateTransactionsFile(file, { rows: ROWS, customers: 100, seed: 42 });
  }, 60_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('strike the same deliveries and dead-letter the same counts on every run, whatever the timing', async () => {
    // The same drill with real waits (as the CLI runs it) and on a test clock (no waits at
    // all): deliveries interleave differently, the faults must strike the same.
    const onTheWallClock = await faultyRun(join(dir, 'wall'), file, systemClock);
    const onATestClock = await faultyRun(join(dir, 'test'), file, new ManualClock(Date.now()));

    expect(onATestClock.deadLetters).toEqual(onTheWallClock.deadLetters);
    expect(onATestClock.faults).toEqual(onTheWallClock.faults);
    // The drill is not vacuous: the seed strikes hard enough to dead-letter ledger messages.
    expect(onTheWallClock.deadLetters.LedgerTransactionsDLQ?.length).toBeGreaterThan(0);
    expect(onTheWallClock.faults.some((f) => f.startsWith('duplicate '))).toBe(true);
  }, 300_000);
});
