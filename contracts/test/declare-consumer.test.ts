import { describe, expect, it } from 'vitest';
import { declareConsumer, matchedFields } from '../src/consumer-contract.ts';
import { ConsumerContractError } from '../src/errors.ts';
import type { ServiceManifest } from '../src/service-manifest.ts';

const consumerOf = (eventPattern: Record<string, unknown>): ServiceManifest => ({
  service: 'auditor',
  source: 'txnflow.alerting',
  publishes: [],
  tables: [],
  handlers: [{ name: 'audit', entry: 'src/audit.ts' }],
  queues: [],
  topics: [],
  buckets: [],
  subscriptions: [
    {
      rule: 'ToAuditor',
      bus: 'txnflow',
      eventPattern,
      target: { kind: 'function', handler: 'audit' },
    },
  ],
});

const reads = { accepts: ['1'], reads: { version: '1', fields: {} } };

describe('Function: matchedFields', () => {
  it('names the envelope fields and the detail fields (as JSON Pointers) a pattern matches on', () => {
    const pattern = {
      source: ['txnflow.ledger'],
      'replay-name': [{ exists: false }],
      detail: {
        data: { balance: [{ numeric: ['>=', 1500] }] },
        $or: [
          { metadata: { replayName: [{ exists: false }] } },
          { data: { customerId: [{ prefix: 'C' }] } },
        ],
      },
    };

    expect(
      matchedFields('R', pattern).map((m) => `${m.in} ${m.field} ${JSON.stringify(m.condition)}`),
    ).toEqual([
      'envelope source ["txnflow.ledger"]',
      'envelope replay-name [{"exists":false}]',
      'detail /data/balance [{"numeric":[">=",1500]}]',
      'detail /metadata/replayName [{"exists":false}]',
      'detail /data/customerId [{"prefix":"C"}]',
    ]);
  });
});

describe('Function: declareConsumer', () => {
  it('takes the matches of every rule that takes the event from the manifest', () => {
    const contract = declareConsumer(
      consumerOf({
        'detail-type': ['HighBalanceDetected'],
        detail: { data: { customerId: ['C1'] } },
      }),
      { HighBalanceDetected: reads },
    );

    expect(contract.events.HighBalanceDetected?.matches).toContainEqual({
      rule: 'ToAuditor',
      in: 'detail',
      field: '/data/customerId',
      condition: ['C1'],
    });
  });

  it('refuses a manifest whose rules take an event the contract says nothing of', () => {
    expect(() =>
      declareConsumer(consumerOf({ 'detail-type': ['TransactionRecorded'] }), {}),
    ).toThrowError(
      new ConsumerContractError(
        'auditor takes TransactionRecorded (rule ToAuditor) but declares nothing it reads of it',
      ),
    );
  });

  it('refuses a declared event none of its rules take', () => {
    expect(() =>
      declareConsumer(consumerOf({ 'detail-type': ['TransactionRecorded'] }), {
        TransactionRecorded: reads,
        HighBalanceDetected: reads,
      }),
    ).toThrowError('auditor declares HighBalanceDetected, which none of its rules take');
  });

  it('refuses a field that is not a JSON Pointer, and a format on a number', () => {
    const manifest = consumerOf({ 'detail-type': ['TransactionRecorded'] });
    const declaring = (fields: Record<string, unknown>) => () =>
      declareConsumer(manifest, {
        TransactionRecorded: { accepts: ['1'], reads: { version: '1', fields } as never },
      });

    expect(declaring({ 'data.amount': { type: 'string' } })).toThrowError(
      /"data.amount" is not a JSON Pointer/,
    );
    expect(declaring({ '/data/source/line': { type: 'integer', format: 'money' } })).toThrowError(
      /\/data\/source\/line has format money but is not a string/,
    );
  });
});
