import { beforeAll, describe, expect, it } from 'vitest';
import { CURRENT_VERSION, type EventContract, eventContracts } from '../src/catalogue.ts';
import type { ConsumerContract } from '../src/consumer-contract.ts';
import { type ContractSet, createContractSet } from '../src/contract-set.ts';
import { readPublishedConsumers } from '../src/published-consumers.ts';
import { verifyConsumers } from '../src/verify-consumers.ts';

/**
 * The producer's side of the consumer contracts: every consumer's published contract
 * (contracts/consumers/*.json) checked against the schemas producers publish, so a schema
 * change names the consumer and the field it breaks before anyone ships it.
 */

type Schema = {
  properties: Record<string, Schema>;
  required?: string[];
  type?: string;
  pattern?: string;
  format?: string;
  examples?: Record<string, unknown>[];
};

/** The shipped contracts with one schema changed, as a producer would edit it in place. */
function withChanged(detailType: string, change: (schema: Schema) => void): ContractSet {
  const contracts = eventContracts.map((c) => {
    if (c.detailType !== detailType) return c;
    const schema = structuredClone(c.schema) as Schema;
    change(schema);
    return { ...c, schema } as EventContract;
  });
  return createContractSet(contracts, CURRENT_VERSION);
}

/** The shipped contracts plus a next version of TransactionRecorded, published from now on. */
function withNextTransactionRecorded(): ContractSet {
  const v1 = eventContracts.find((c) => c.detailType === 'TransactionRecorded')!;
  const schema = structuredClone(v1.schema) as Schema;
  schema.properties.metadata!.properties.schemaVersion = { type: 'string', enum: ['2'] } as never;
  const v2 = { ...v1, version: '2', schema: { ...schema, id: 'v2', examples: [] } };
  return createContractSet([...eventContracts, v2], {
    ...CURRENT_VERSION,
    TransactionRecorded: '2',
  });
}

const data = (schema: Schema) => schema.properties.data!;
const reasons = (consumers: readonly ConsumerContract[], contracts?: ContractSet) =>
  verifyConsumers(consumers, contracts).map((b) => b.reason);

describe('Consumer contracts, checked on the producer side', () => {
  let consumers: ConsumerContract[];
  beforeAll(async () => {
    consumers = await readPublishedConsumers();
  });

  it('are published for ledger and alerting', () => {
    expect(consumers.map((c) => c.consumer)).toEqual(['alerting', 'ledger']);
  });

  it('all hold against the schemas and examples producers publish now', () => {
    expect(verifyConsumers(consumers)).toEqual([]);
  });

  it('fail naming consumer, field and reason when a field the ledger reads changes type', () => {
    const contracts = withChanged('TransactionRecorded', (s) => {
      data(s).properties.amount = { type: 'number' } as Schema;
    });

    expect(verifyConsumers(consumers, contracts)).toEqual([
      {
        consumer: 'ledger',
        detailType: 'TransactionRecorded',
        version: '1',
        field: '/data/amount',
        reason:
          'ledger reads /data/amount as a 2-decimal string; the schema of TransactionRecorded v1 makes it a number',
      },
    ]);
  });

  it('pass on a compatible change: a new optional field', () => {
    const contracts = withChanged('TransactionRecorded', (s) => {
      data(s).properties.channel = { type: 'string' } as Schema;
    });

    expect(verifyConsumers(consumers, contracts)).toEqual([]);
  });

  it('pass when a field no consumer reads goes (the archive still objects: see schema-changes)', () => {
    const contracts = withChanged('TransactionRecorded', (s) => {
      delete data(s).properties.customerAddress;
      data(s).required = data(s).required!.filter((f) => f !== 'customerAddress');
    });

    expect(verifyConsumers(consumers, contracts)).toEqual([]);
  });

  it('fail when money may carry a third decimal', () => {
    const contracts = withChanged('HighBalanceDetected', (s) => {
      data(s).properties.balance!.pattern = '^-?[0-9]+\\.[0-9]{2,3}$';
    });

    expect(reasons(consumers, contracts)).toEqual([
      'alerting reads /data/balance as a 2-decimal string; the schema of HighBalanceDetected v1 allows other strings (pattern ^-?[0-9]+\\.[0-9]{2,3}$)',
    ]);
  });

  it('fail when a field a consumer relies on becomes optional, or an example lacks it', () => {
    const contracts = withChanged('TransactionRecorded', (s) => {
      data(s).required = data(s).required!.filter((f) => f !== 'transactionDate');
      delete (s.examples![1]!.data as Record<string, unknown>).transactionDate;
    });

    expect(reasons(consumers, contracts)).toEqual([
      'ledger reads /data/transactionDate as a calendar date (or date-time); the schema of TransactionRecorded v1 makes it optional',
      'ledger reads /data/transactionDate as a calendar date (or date-time); the schema of TransactionRecorded v1 example #2 lacks it',
    ]);
  });

  it('fail naming each rule when a field alerting matches on goes: its rules would take replays', () => {
    const contracts = withChanged('HighBalanceDetected', (s) => {
      delete s.properties.metadata!.properties.replayName;
    });

    expect(reasons(consumers, contracts)).toEqual(
      ['HighBalanceToAlerting', 'HighBalanceToCustomerNotify', 'HighBalanceToCreditCollection'].map(
        (rule) =>
          `alerting's rule ${rule} matches on /metadata/replayName ([{"exists":false}]); HighBalanceDetected v1 has no such field`,
      ),
    );
  });

  it('fail when producers switch to a version a consumer does not accept yet', () => {
    expect(reasons(consumers, withNextTransactionRecorded())).toEqual([
      'ledger does not accept TransactionRecorded v2, which producers publish now (it accepts v1)',
    ]);
  });

  it('fail when a consumer stops accepting a version the archive may still hold', () => {
    const ledger = consumers.find((c) => c.consumer === 'ledger')!;
    const consumed = ledger.events.TransactionRecorded!;
    const onlyV2: ConsumerContract = {
      ...ledger,
      events: {
        TransactionRecorded: {
          ...consumed,
          accepts: ['2'],
          reads: { ...consumed.reads, version: '2' },
        },
      },
    };

    expect(reasons([onlyV2], withNextTransactionRecorded())).toEqual([
      'ledger does not accept TransactionRecorded v1, which the archive may hold: a replay would dead-letter it',
    ]);
  });
});
