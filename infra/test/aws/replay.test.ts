import {
  DescribeArchiveCommand,
  DescribeReplayCommand,
  EventBridgeClient,
  LimitExceededException,
  ListRulesCommand,
  ResourceNotFoundException,
  StartReplayCommand,
} from '@aws-sdk/client-eventbridge';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ArchiveNotFoundError,
  ReplayFailedError,
  ReplayLimitError,
  type ReplayProgress,
  ReplayTimeoutError,
  startAwsReplay,
  UnknownRuleError,
} from '../../aws/replay.ts';

const eventBridge = mockClient(EventBridgeClient);
const BUS_ARN = 'arn:aws:events:eu-west-1:123456789012:event-bus/txnflow-dev';
const ARCHIVE_ARN = 'arn:aws:events:eu-west-1:123456789012:archive/txnflow-dev-archive';
const ruleArn = (name: string) => `arn:aws:events:eu-west-1:123456789012:rule/txnflow-dev/${name}`;
const from = new Date('2026-11-20T00:00:00Z');
const to = new Date('2026-11-21T00:00:00Z');
const at = (hours: number) => new Date(from.getTime() + hours * 3_600_000);

/** A clock that moves one second per read, and sleeps that cost nothing. */
function fakeTime() {
  let t = new Date('2026-11-24T11:15:00Z').getTime();
  const now = () => {
    t += 1000;
    return new Date(t);
  };
  return { now, sleep: async () => {} };
}

function replay(options: Partial<Parameters<typeof startAwsReplay>[0]> = {}) {
  return startAwsReplay({
    stage: 'dev',
    from,
    to,
    client: new EventBridgeClient({}),
    pollIntervalMs: 10,
    ...fakeTime(),
    ...options,
  });
}

describe('Function: startAwsReplay', () => {
  beforeEach(() => {
    eventBridge.reset();
    eventBridge
      .on(DescribeArchiveCommand)
      .resolves({ ArchiveArn: ARCHIVE_ARN, EventSourceArn: BUS_ARN });
    eventBridge.on(StartReplayCommand).resolves({ ReplayArn: 'arn:replay', State: 'STARTING' });
    eventBridge
      .on(DescribeReplayCommand)
      .resolvesOnce({ State: 'STARTING' })
      .resolvesOnce({ State: 'RUNNING', EventLastReplayedTime: at(6) })
      .resolvesOnce({ State: 'RUNNING', EventLastReplayedTime: at(18) })
      .resolves({ State: 'COMPLETED', ReplayArn: 'arn:replay', EventLastReplayedTime: at(24) });
  });

  it("replays the window of the stage's archive to its bus, every rule, and follows it to the end", async () => {
    const progress: ReplayProgress[] = [];

    const result = await replay({ onProgress: (p) => progress.push(p) });

    expect(eventBridge.commandCalls(DescribeArchiveCommand)[0]?.args[0].input).toEqual({
      ArchiveName: 'txnflow-dev-archive',
    });
    expect(eventBridge.commandCalls(StartReplayCommand)[0]?.args[0].input).toMatchObject({
      ReplayName: result.replayName,
      EventSourceArn: ARCHIVE_ARN,
      EventStartTime: from,
      EventEndTime: to,
      Destination: { Arn: BUS_ARN },
    });
    expect(result).toMatchObject({ replayArn: 'arn:replay', ruleArns: [] });
    expect(progress.map((p) => [p.state, p.fraction])).toEqual([
      ['STARTING', 0],
      ['RUNNING', 0.25],
      ['RUNNING', 0.75],
      ['COMPLETED', 1],
    ]);
    expect(eventBridge.commandCalls(ListRulesCommand)).toHaveLength(0);
  });

  it('names the replay after the stage and the time it started, within EventBridge limits', async () => {
    const { replayName } = await replay();

    expect(replayName).toMatch(/^txnflow-dev-20261124T1115\d\dZ$/);
    expect(replayName).toMatch(/^[.\-_A-Za-z0-9]{1,64}$/);
  });

  it('replays to named rules only, finding manifest names in the rule descriptions across pages', async () => {
    eventBridge
      .on(ListRulesCommand)
      .resolvesOnce({
        Rules: [
          {
            Name: 'txnflow-dev-alerting-HighBalanceToAlertingRule-1X2Y3Z',
            Arn: ruleArn('alerting'),
            Description:
              'txnflow rule HighBalanceToAlerting of alerting: invokes highBalanceDetected',
          },
        ],
        NextToken: 'page-2',
      })
      .resolvesOnce({
        Rules: [
          {
            Name: 'txnflow-dev-ledger-TransactionRecordedToLedgerDe-ABC123',
            Arn: ruleArn('ledger'),
            Description:
              'txnflow rule TransactionRecordedToLedger of ledger: to queue LedgerTransactions',
          },
        ],
      });

    const result = await replay({ rules: ['TransactionRecordedToLedger'] });

    expect(eventBridge.commandCalls(ListRulesCommand).map((c) => c.args[0].input)).toEqual([
      { EventBusName: 'txnflow-dev' },
      { EventBusName: 'txnflow-dev', NextToken: 'page-2' },
    ]);
    expect(result.ruleArns).toEqual([ruleArn('ledger')]);
    expect(eventBridge.commandCalls(StartReplayCommand)[0]?.args[0].input.Destination).toEqual({
      Arn: BUS_ARN,
      FilterArns: [ruleArn('ledger')],
    });
  });

  it('accepts a physical rule name too', async () => {
    eventBridge
      .on(ListRulesCommand)
      .resolves({ Rules: [{ Name: 'my-rule', Arn: ruleArn('my-rule') }] });

    const result = await replay({ rules: ['my-rule'] });

    expect(result.ruleArns).toEqual([ruleArn('my-rule')]);
  });

  it('names an unknown rule and the rules there are, and starts nothing', async () => {
    eventBridge.on(ListRulesCommand).resolves({
      Rules: [
        {
          Name: 'generated-name',
          Arn: ruleArn('ledger'),
          Description: 'txnflow rule TransactionRecordedToLedger of ledger: to queue',
        },
      ],
    });

    const replaying = replay({ rules: ['TransactionRecordedToLedgr'] });

    await expect(replaying).rejects.toThrowError(UnknownRuleError);
    await expect(replaying).rejects.toThrowError(
      'no rule TransactionRecordedToLedgr on txnflow-dev; its rules: TransactionRecordedToLedger',
    );
    expect(eventBridge.commandCalls(StartReplayCommand)).toHaveLength(0);
  });

  it('says the bus stack is missing when the archive is', async () => {
    eventBridge
      .on(DescribeArchiveCommand)
      .rejects(new ResourceNotFoundException({ message: 'Archive does not exist', $metadata: {} }));

    await expect(replay()).rejects.toThrowError(ArchiveNotFoundError);
    await expect(replay()).rejects.toThrowError('deploy the bus stack of this stage first');
  });

  it('fails with the reason EventBridge gives when the replay fails', async () => {
    eventBridge
      .on(DescribeReplayCommand)
      .resolves({ State: 'FAILED', StateReason: 'Destination rule was deleted' });

    const replaying = replay();

    await expect(replaying).rejects.toThrowError(ReplayFailedError);
    await expect(replaying).rejects.toThrowError('ended FAILED: Destination rule was deleted');
  });

  it('gives up waiting after the timeout, saying the replay goes on', async () => {
    eventBridge.on(DescribeReplayCommand).resolves({ State: 'RUNNING' });

    await expect(replay({ timeoutMs: 5_000 })).rejects.toThrowError(ReplayTimeoutError);
  });

  it('refuses a window that does not start before it ends, before calling AWS', async () => {
    await expect(replay({ from: to, to: from })).rejects.toThrowError('must start before it ends');
    expect(eventBridge.commandCalls(DescribeArchiveCommand)).toHaveLength(0);
  });

  // "We recommend that you delay replaying archived events for 10 minutes" (Archiving and
  // replaying events in Amazon EventBridge): the archive lags behind the bus.
  it('warns, and still replays, when the window ends less than 10 minutes ago', async () => {
    const warnings: string[] = [];
    const time = fakeTime();
    const end = new Date(time.now().getTime() - 5 * 60_000);

    await replay({ ...time, from, to: end, onWarning: (w) => warnings.push(w) });

    expect(warnings).toEqual([expect.stringContaining('less than 10 minutes before now')]);
    expect(eventBridge.commandCalls(StartReplayCommand)).toHaveLength(1);
  });

  it('does not warn about a window that ended more than 10 minutes ago', async () => {
    const warnings: string[] = [];

    await replay({ onWarning: (w) => warnings.push(w) });

    expect(warnings).toEqual([]);
  });

  it('says plainly that 10 replays are under way when EventBridge refuses an eleventh', async () => {
    eventBridge
      .on(StartReplayCommand)
      .rejects(new LimitExceededException({ message: 'Limit exceeded', $metadata: {} }));

    const failure = replay().catch((error: unknown) => error);

    await expect(failure).resolves.toBeInstanceOf(ReplayLimitError);
    await expect(failure).resolves.toHaveProperty(
      'message',
      expect.stringMatching(/at most 10 replays at once .*cancel-replay/),
    );
    expect(eventBridge.commandCalls(DescribeReplayCommand)).toHaveLength(0);
  });
});
