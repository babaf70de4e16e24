import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLocalIngestHandlers, ingestManifest } from '@txnflow/ingest';
import { createLocalLedgerHandlers, ledgerManifest } from '@txnflow/ledger';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../infra/local/index.ts';
import { LocalTxnflow } from '../../infra/local-app/local-txnflow.ts';
import { type LocalService, localServices } from '../../infra/local-app/services.ts';
import { ledgerEdgeV2, ledgerEdgeV2Only, publishingV2 } from './transaction-recorded-v2.ts';

/**
 * The v2 rollout of TransactionRecorded end to end on the local runtime: the ledger goes
 * first (it accepts v1 and v2), a file is ingested while ingest still publishes v1, ingest
 * switches to v2 and a second file follows, so the archive holds both versions. Then the
 * ledger is rebuilt from the archive (reset, replay to its rule) and must come out the same,
 * with no one told twice.
 */

const HEADER = 'customer_id|customer_address|trn_id|trn_date|trn_amount';
const BEFORE_SWITCH = [
  'C1|12 Harbour Road|T1|2026-11-02|100.00',
  'C1|12 Harbour Road|T2|2026-11-03|250.00',
  'C2|7 Mill Lane|T3|2026-11-03|700.00',
  'C2|7 Mill Lane|T4|2026-11-04|600.00',
];
const AFTER_SWITCH = [
  'C2|7 Mill Lane|T5|2026-11-05|300.00',
  'C3|1 Elm Row|T6|2026-11-05|50.00',
  'C1|12 Harbour Road|T7|2026-11-06|-25.00',
];

const service = (name: string): LocalService => {
  const found = localServices.find((s) => s.manifest.service === name);
  if (!found) throw new Error(`no local service ${name}`);
  return found;
};
const ledgerAcceptingV2: LocalService = {
  manifest: ledgerManifest,
  createHandlers: (ctx) => createLocalLedgerHandlers(ctx, { edge: ledgerEdgeV2() }),
};
const ingestPublishingV2: LocalService = {
  manifest: ingestManifest,
  createHandlers: (ctx) =>
    createLocalIngestHandlers({ ...ctx, publisher: publishingV2(ctx.publisher) }),
};
/** Step 2: the ledger accepts v2; ingest still publishes v1. */
const consumerReady = [service('ingest'), ledgerAcceptingV2, service('alerting')];
/** Step 3: ingest publishes v2. */
const producerSwitched = [ingestPublishingV2, ledgerAcceptingV2, service('alerting')];

/** What the ledger says and what people have been told. */
async function observable(txnflow: LocalTxnflow) {
  return {
    balances: await txnflow.balances(),
    alerts: (await txnflow.alerts()).map((a) => `${a.alertId} ${a.balance}`),
    emails: txnflow.outbox().length,
    customerNotify: txnflow.queue('CustomerNotify').length,
    creditCollection: txnflow.queue('CreditCollection').length,
    deadLetters: txnflow.deadLetterCounts().filter((d) => d.messages > 0),
  };
}

/** The schema version of each TransactionRecorded the archive holds. */
function archivedVersions(txnflow: LocalTxnflow): string[] {
  const stored = txnflow.runtime
    .traceReader()
    .eventsContaining(['"detail-type":"TransactionRecorded"']);
  const versionOf = new Map(
    stored.map(({ event }) => [
      event.id,
      (event.detail as { metadata: { schemaVersion: string } }).metadata.schemaVersion,
    ]),
  );
  return txnflow
    .events()
    .filter((e) => e.detailType === 'TransactionRecorded')
    .map((e) => String(versionOf.get(e.eventId)))
    .sort();
}

describe('Replaying an archive of v1 and v2 TransactionRecorded after the producer switched', () => {
  let dir: string;
  const clock = new ManualClock(Date.parse('2026-11-20T09:00:00Z'));
  const open = (services: readonly LocalService[], state = 'state') =>
    LocalTxnflow.open({ stateDir: join(dir, state), env: {}, clock, services });
  /** Empties the ledger and replays the whole archive to its rule. */
  async function rebuildLedger(txnflow: LocalTxnflow, name: string) {
    const span = txnflow.archiveSpan();
    if (!span) throw new Error('the archive is empty');
    txnflow.reset('ledger');
    expect(await txnflow.balances()).toEqual([]);
    return txnflow.replay({
      from: span.first,
      to: new Date(span.last.getTime() + 1),
      rules: ['TransactionRecordedToLedger'],
      name,
    });
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'txnflow-evolution-'));
    const before = join(dir, 'before.txt');
    const after = join(dir, 'after.txt');
    await writeFile(before, `${HEADER}\n${BEFORE_SWITCH.join('\n')}\n`);
    await writeFile(after, `${HEADER}\n${AFTER_SWITCH.join('\n')}\n`);

    const ready = open(consumerReady);
    await ready.ingestFiles([before]).finally(() => ready.close());
    const switched = open(producerSwitched);
    await switched.ingestFiles([after]).finally(() => switched.close());
  }, 120_000);
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('holds both versions in the archive, and the ledger applied both', async () => {
    const txnflow = open(producerSwitched);
    try {
      expect(archivedVersions(txnflow)).toEqual(['1', '1', '1', '1', '2', '2', '2']);
      expect(await observable(txnflow)).toEqual({
        balances: [
          { customerId: 'C1', balance: '325.00' },
          { customerId: 'C2', balance: '1600.00' },
          { customerId: 'C3', balance: '50.00' },
        ],
        alerts: ['C2:T5 1600.00'],
        emails: 1,
        customerNotify: 1,
        creditCollection: 1,
        deadLetters: [],
      });
    } finally {
      txnflow.close();
    }
  });

  it('rebuilds the same balances from a replay to the ledger rule, and tells no one again', async () => {
    const txnflow = open(producerSwitched);
    try {
      const original = await observable(txnflow);

      const replay = await rebuildLedger(txnflow, 'ledger-backfill-after-v2');

      expect(replay.state).toBe('COMPLETED');
      expect(await observable(txnflow)).toEqual(original);
    } finally {
      txnflow.close();
    }
  });

  it('could not be rebuilt by a ledger that stopped accepting v1: every v1 event is dead-lettered', async () => {
    await cp(join(dir, 'state'), join(dir, 'state-v2-only'), { recursive: true });
    const ledgerV2Only: LocalService = {
      manifest: ledgerManifest,
      createHandlers: (ctx) => createLocalLedgerHandlers(ctx, { edge: ledgerEdgeV2Only() }),
    };
    const txnflow = open([ingestPublishingV2, ledgerV2Only, service('alerting')], 'state-v2-only');
    try {
      await rebuildLedger(txnflow, 'ledger-backfill-v2-only');

      expect(await txnflow.balances()).toEqual([
        { customerId: 'C1', balance: '-25.00' },
        { customerId: 'C2', balance: '300.00' },
        { customerId: 'C3', balance: '50.00' },
      ]);
      expect(
        txnflow.queue('LedgerTransactionsDLQ').map((m) => m.attributes?.ERROR_MESSAGE),
      ).toEqual(
        BEFORE_SWITCH.map(
          () =>
            'contract validation failed: /detail/metadata/schemaVersion ledger accepts TransactionRecorded v2; this event is v1',
        ),
      );
    } finally {
      txnflow.close();
    }
  });
});
