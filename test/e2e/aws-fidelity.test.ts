import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LocalTxnflow } from '../../infra/local-app/local-txnflow.ts';
import { CliHarness, SAMPLE } from '../support/cli.ts';

/**
 * Where the local runtime was found to differ from AWS (issue 12, points 9 to 13), end to end:
 * the txnflow state folder driven by the CLI, with the runtime opened directly only to set up
 * what the app's own wiring never does (a misconfigured bus name, an extra rule target).
 */

interface QueueMessage {
  readonly attributes: Readonly<Record<string, string>>;
  readonly body: string;
}

const LEDGER_RULE = 'TransactionRecordedToLedger';
const LEDGER_RULE_DLQ = `${LEDGER_RULE}DLQ`;

describe('The local runtime does as AWS does, through the txnflow CLI', () => {
  let cli: CliHarness;
  const warnings: string[] = [];

  /** Opens the state folder as its driver, for a setup step, and closes it. */
  function onTxnflow<T>(step: (txnflow: LocalTxnflow) => T): T {
    const txnflow = LocalTxnflow.open({
      stateDir: cli.stateDir,
      env: {},
      runtimeLog: { warn: (message) => warnings.push(message) },
    });
    try {
      return step(txnflow);
    } finally {
      txnflow.close();
    }
  }

  beforeEach(async () => {
    cli = await CliHarness.create();
    warnings.length = 0;
  });
  afterEach(async () => {
    await cli.dispose();
  });

  // Point 9. Recorded on AWS: FailedEntryCount 0, an EventId, and the event goes nowhere.
  it('answers success for an event put to a bus that does not exist, drops it, and shows the drop', async () => {
    const result = onTxnflow((txnflow) =>
      txnflow.runtime.putEvents([
        {
          Source: 'txnflow.ledger',
          DetailType: 'HighBalanceDetected',
          Detail: '{"misconfigured":true}',
          EventBusName: 'txnflow-typo',
        },
      ]),
    );

    expect(result).toEqual({ FailedEntryCount: 0, Entries: [{ EventId: expect.any(String) }] });
    expect(warnings).toEqual([expect.stringContaining('event bus "txnflow-typo"')]);
    expect(await cli.json('events', 'dropped')).toEqual([
      expect.objectContaining({
        eventId: (result.Entries[0] as { EventId: string }).EventId,
        eventBusName: 'txnflow-typo',
        source: 'txnflow.ledger',
        detailType: 'HighBalanceDetected',
      }),
    ]);
    expect(await cli.json('events')).toEqual([]);
    expect((await cli.run('events', 'archived')).code).toBe(2);
  });

  // Point 10. "A target resource that no longer exists": straight to the DLQ, no retries.
  it('dead-letters what a rule sends to a queue that does not exist at once, as NO_RESOURCE', async () => {
    onTxnflow((txnflow) =>
      txnflow.runtime.putTargets({
        rule: LEDGER_RULE,
        eventBusName: 'txnflow',
        targets: [
          {
            id: 'Retired',
            target: { kind: 'queue', name: 'RetiredQueue' },
            deadLetterQueue: LEDGER_RULE_DLQ,
          },
        ],
      }),
    );

    const { code, stderr } = await cli.ingest(SAMPLE);

    expect(code).toBe(3);
    expect(stderr).toContain(LEDGER_RULE_DLQ);
    expect(await cli.json('balances')).toEqual([
      { customerId: 'C1', balance: '907.55' },
      { customerId: 'C2', balance: '1750.00' },
    ]);
    const dead = await cli.json<QueueMessage[]>('queue', LEDGER_RULE_DLQ);
    expect(dead).toHaveLength(24);
    for (const message of dead) {
      expect(message.attributes).toMatchObject({
        ERROR_CODE: 'NO_RESOURCE',
        ERROR_MESSAGE: 'Queue RetiredQueue does not exist.',
        RETRY_ATTEMPTS: '0',
      });
      expect(message.attributes).not.toHaveProperty('EXHAUSTED_RETRY_CONDITION');
    }
  }, 120_000);

  // Point 11. Deliveries recorded on AWS: a missing path is "", an object inside a string loses
  // its inner quotes, <aws.events.event> spells detailType; an unknown placeholder is refused.
  it('transforms input as AWS does', async () => {
    onTxnflow((txnflow) => {
      txnflow.runtime.createQueue({ name: 'Shaped' });
      txnflow.runtime.putTargets({
        rule: LEDGER_RULE,
        eventBusName: 'txnflow',
        targets: [
          {
            id: 'Shaped',
            target: { kind: 'queue', name: 'Shaped' },
            inputTransformer: {
              inputPathsMap: {
                customer: '$.detail.data.customerId',
                data: '$.detail.data',
                missing: '$.detail.data.nothing',
              },
              inputTemplate:
                '{"customer": <customer>, "missing": <missing>, "note": "<customer> with <data> and <missing>.", "event": <aws.events.event>}',
            },
          },
        ],
      });
    });

    await cli.ingest(SAMPLE);

    const bodies = (await cli.json<QueueMessage[]>('queue', 'Shaped')).map(
      (m) => JSON.parse(m.body) as Record<string, unknown>,
    );
    expect(bodies).toHaveLength(24);
    for (const body of bodies) {
      expect(body.customer).toMatch(/^C[12]$/);
      expect(body.missing).toBe('');
      expect(body.note).toMatch(/^C[12] with \{customerId:C[12],[^"]*\} and \.$/);
      expect(body.event).toMatchObject({
        detailType: 'TransactionRecorded',
        source: 'txnflow.ingest',
      });
      expect(body.event).not.toHaveProperty('detail-type');
      expect(body.event).not.toHaveProperty('detail');
    }
    expect(() =>
      onTxnflow((txnflow) =>
        txnflow.runtime.putTargets({
          rule: LEDGER_RULE,
          eventBusName: 'txnflow',
          targets: [
            {
              id: 'Typo',
              target: { kind: 'queue', name: 'Shaped' },
              inputTransformer: {
                inputPathsMap: { customer: '$.detail.data.customerId' },
                inputTemplate: '"<custmer> crossed"',
              },
            },
          ],
        }),
      ),
    ).toThrow('InputTemplate for target Typo contains invalid placeholder custmer.');
  }, 120_000);

  // Point 12. StartReplay selects "based on the time in the event".
  it('replays a window of event times, and refuses a window that does not start before it ends', async () => {
    const [entry] = onTxnflow((txnflow) =>
      txnflow.runtime.putEvents([
        {
          Source: 'test.elsewhere',
          DetailType: 'LateReport',
          Detail: '{}',
          EventBusName: 'txnflow',
          Time: '2024-01-01T10:00:00Z',
        },
      ]),
    ).Entries;

    const listed = await cli.json<{ eventId: string; time: string }[]>('events');
    const replayed = await cli.json<{ state: string; eventsTotal: number }>(
      'replay',
      '--from',
      '2024-01-01T09:00:00Z',
      '--to',
      '2024-01-01T11:00:00Z',
    );
    const now = new Date().toISOString();
    const around = await cli.json<{ eventsTotal: number }>(
      'replay',
      '--from',
      now,
      '--to',
      new Date(Date.now() + 60_000).toISOString(),
    );
    const empty = await cli.run('replay', '--from', now, '--to', now);

    expect(listed).toEqual([
      expect.objectContaining({
        eventId: (entry as { EventId: string }).EventId,
        time: '2024-01-01T10:00:00Z',
      }),
    ]);
    expect(replayed).toMatchObject({ state: 'COMPLETED', eventsTotal: 1 });
    expect(around.eventsTotal).toBe(0);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('--from must be before --to');
  });

  // Point 13. Outcomes recorded on AWS with TestEventPattern.
  it.each([
    [
      'a dotted pattern key against nested fields',
      '{"detail":{"state.status":["running"]}}',
      '{"detail":{"state":{"status":"running"}}}',
      'true',
    ],
    [
      'nested pattern fields against a dotted event key',
      '{"detail":{"state":{"status":["running"]}}}',
      '{"detail":{"state.status":"running"}}',
      'true',
    ],
    [
      'anything-but a list of prefixes',
      '{"state":[{"anything-but":{"prefix":["init","test"]}}]}',
      '{"state":"post-init"}',
      'true',
    ],
    [
      'anything-but a list of prefixes, excluded',
      '{"state":[{"anything-but":{"prefix":["init","post"]}}]}',
      '{"state":"post-init"}',
      'false',
    ],
    [
      'anything-but a list of suffixes',
      '{"f":[{"anything-but":{"suffix":[".txt",".jpg"]}}]}',
      '{"f":"file.txt.bak"}',
      'true',
    ],
  ])('matches %s as AWS does', async (_what, pattern, event, expected) => {
    const run = await cli.run('test-pattern', '--pattern', pattern, '--event', event);

    expect(run).toMatchObject({ code: 0, stdout: `${expected}\n` });
  });

  it('refuses a wildcard pattern AWS finds too complex, with its reason', async () => {
    const run = await cli.run(
      'test-pattern',
      '--pattern',
      '{"EventBusArn":[{"wildcard":"*:*:*:*:*:event-bus/*"}]}',
      '--event',
      '{"EventBusArn":"arn:aws:events:us-east-1:123456789012:event-bus/b"}',
    );

    expect(run.code).toBe(1);
    expect(run.stderr).toContain(
      'Rule is too complex - try using fewer wildcard characters or fewer repeating character sequences after a wildcard character',
    );
  });
});
