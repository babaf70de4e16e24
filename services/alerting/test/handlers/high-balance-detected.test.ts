import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteAlertStore } from '../../src/adapters/local/sqlite-alert-store.ts';
import { makeHighBalanceDetectedHandler } from '../../src/handlers/high-balance-detected.ts';
import { envelopeOf, highBalanceDetected, RecordingNotifier } from '../support/factories.ts';

function setup() {
  const deadLetters: { body: string; reason: string }[] = [];
  const notifier = new RecordingNotifier();
  const handler = makeHighBalanceDetectedHandler({
    store: new SqliteAlertStore(new Database(':memory:')),
    notifier,
    deadLetters: { send: async (body, reason) => void deadLetters.push({ body, reason }) },
    log: { info() {}, warn() {} },
  });
  return { handler, notifier, deadLetters };
}

describe('Handler: highBalanceDetected', () => {
  it('records and emails a valid alert', async () => {
    const { handler, notifier } = setup();

    expect(await handler(envelopeOf(highBalanceDetected()))).toEqual({
      kind: 'recorded',
      emailed: true,
    });
    expect(notifier.sent).toHaveLength(1);
  });

  it('dead-letters an event that fails its contract, naming the path, and emails nobody', async () => {
    const { handler, notifier, deadLetters } = setup();
    const event = envelopeOf(highBalanceDetected());
    (event.detail as { data: { balance: unknown } }).data.balance = 1750;

    expect(await handler(event)).toEqual({ kind: 'dead-lettered' });
    expect(notifier.sent).toEqual([]);
    expect(deadLetters).toHaveLength(1);
    expect(deadLetters[0]?.reason).toBe(
      'contract validation failed: /detail/data/balance must be string',
    );
    expect(JSON.parse(deadLetters[0]?.body ?? '{}')).toEqual(event);
  });
});
