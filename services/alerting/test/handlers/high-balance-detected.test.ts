import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { SqliteAlertStore } from '../../src/adapters/local/sqlite-alert-store.ts';
import { makeHighBalanceDetectedHandler } from '../../src/handlers/high-balance-detected.ts';
import { envelopeOf, highBalanceDetected, RecordingNotifier } from '../support/factories.ts';

function setup() {
  const deadLetters: { body: string; reason: string }[] = [];
  const logged: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const notifier = new RecordingNotifier();
  const handler = makeHighBalanceDetectedHandler({
    store: new SqliteAlertStore(new Database(':memory:')),
    notifier,
    deadLetters: { send: async (body, reason) => void deadLetters.push({ body, reason }) },
    log: {
      info: (message, fields = {}) => void logged.push({ level: 'info', message, fields }),
      warn: (message, fields = {}) => void logged.push({ level: 'warn', message, fields }),
    },
  });
  return { handler, notifier, deadLetters, logged };
}

describe('Handler: highBalanceDetected', () => {
  it('records and emails a valid alert', async () => {
    const { handler, notifier } = setup();

    expect(await handler(envelopeOf(highBalanceDetected()))).toEqual({
      kind: 'recorded',
      emailed: true,
      emailMessageId: 'm-1',
    });
    expect(notifier.sent).toHaveLength(1);
  });

  it('logs the alert with the event, correlation and causation ids and the email it sent', async () => {
    const { handler, logged } = setup();
    const event = envelopeOf(highBalanceDetected());
    const { metadata } = event.detail as { metadata: Record<string, string> };

    await handler(event);

    expect(logged).toEqual([
      {
        level: 'info',
        message: 'high balance alert',
        fields: {
          eventId: metadata.eventId,
          correlationId: metadata.correlationId,
          causationId: metadata.causationId,
          envelopeId: event.id,
          alertId: 'C2:T2012',
          customerId: 'C2',
          kind: 'recorded',
          emailed: true,
          emailMessageId: 'm-1',
        },
      },
    ]);
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
