import {
  type ConsumerEdge,
  createConsumerEdge,
  eventContracts,
  UndeclaredFieldReadError,
} from '@txnflow/contracts';
import { readPublishedConsumers } from '@txnflow/contracts/published';
import { withoutRead } from '@txnflow/contracts/testing';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteAlertStore } from '../src/adapters/local/sqlite-alert-store.ts';
import { alertingConsumes } from '../src/consumes.ts';
import { makeHighBalanceDetectedHandler } from '../src/handlers/high-balance-detected.ts';
import { RecordingNotifier } from './support/factories.ts';

const consumed = alertingConsumes.events.HighBalanceDetected!;

/** Every example of every version alerting accepts, as the events its rule hands it. */
function exampleEvents(): Record<string, unknown>[] {
  return eventContracts
    .filter((c) => c.detailType === 'HighBalanceDetected' && consumed.accepts.includes(c.version))
    .flatMap((c) => c.schema.examples as Record<string, unknown>[])
    .map((detail, i) => ({
      version: '0',
      id: `envelope-${i}`,
      'detail-type': 'HighBalanceDetected',
      source: 'txnflow.ledger',
      account: '000000000000',
      time: '2026-11-20T09:15:03Z',
      region: 'local-1',
      resources: [],
      detail,
    }));
}

function alertingReadingThrough(edge?: ConsumerEdge<'HighBalanceDetected'>) {
  const notifier = new RecordingNotifier();
  const handler = makeHighBalanceDetectedHandler({
    store: new SqliteAlertStore(new Database(':memory:')),
    notifier,
    deadLetters: { send: async () => {} },
    log: { info() {}, warn() {} },
    ...(edge ? { edge } : {}),
  });
  return { handler, notifier };
}

describe('The alerting consumer contract (consumes.ts)', () => {
  it('is published as contracts/consumers/alerting.json (run `npm run catalogue` after changing it)', async () => {
    const published = await readPublishedConsumers();

    expect(published.find((c) => c.consumer === 'alerting')).toEqual(
      JSON.parse(JSON.stringify(alertingConsumes)),
    );
  });

  it('takes the fields its three rules match on from the manifest: none takes a replay or what a replay caused', () => {
    const onReplays = consumed.matches.filter((m) => m.field.toLowerCase().includes('replay'));

    expect(onReplays).toEqual(
      [
        'HighBalanceToAlerting',
        'HighBalanceToCustomerNotify',
        'HighBalanceToCreditCollection',
      ].flatMap((rule) => [
        { rule, in: 'envelope', field: 'replay-name', condition: [{ exists: false }] },
        { rule, in: 'detail', field: '/metadata/replayName', condition: [{ exists: false }] },
      ]),
    );
  });

  it('declares every field the handler reads: every example of every accepted version is recorded and emailed', async () => {
    const { handler, notifier } = alertingReadingThrough();

    for (const event of exampleEvents()) {
      expect(await handler(event)).toMatchObject({ kind: 'recorded', emailed: true });
    }
    expect(notifier.sent).toHaveLength(exampleEvents().length);
  });

  it.each(Object.keys(consumed.reads.fields))(
    'declares nothing it does not read: without %s the handler fails, naming it',
    async (pointer) => {
      const edge = createConsumerEdge({
        contract: withoutRead(alertingConsumes, 'HighBalanceDetected', pointer),
        detailType: 'HighBalanceDetected',
      });
      const { handler } = alertingReadingThrough(edge);
      const [event] = exampleEvents();

      const failure = await handler(event).catch((e: unknown) => e);

      expect(failure).toBeInstanceOf(UndeclaredFieldReadError);
      expect(failure).toMatchObject({ consumer: 'alerting', pointer });
    },
  );
});
