import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { DynamoDbMeter } from '../../bench/cost/dynamodb-meter.ts';
import { itemBytes, writeUnitsFor } from '../../bench/cost/item-size.ts';

const meter = () => new DynamoDbMeter((physical) => physical.replace(/-\w+$/, ''));
const lineOf = (m: DynamoDbMeter, table: string, operation: string) =>
  m.usage().find((u) => u.table === table && u.operation === operation);

describe('Function: itemBytes', () => {
  it('counts attribute names and values as DynamoDB sizes items', () => {
    expect(itemBytes({ customerId: 'C1' })).toBe(10 + 2);
    expect(itemBytes({ version: 12_345 })).toBe(7 + 4);
    expect(itemBytes({ flag: true, nothing: null })).toBe(4 + 1 + 7 + 1);
    expect(itemBytes({ pending: [['T1', 5]] })).toBe(7 + 3 + 1 + (3 + 1 + 2 + 1 + 2));
    expect(itemBytes({ m: { a: 'xy' } })).toBe(1 + 3 + 1 + 1 + 2);
  });

  it('bills a standard write one unit per KB, at least one', () => {
    expect([writeUnitsFor(10), writeUnitsFor(1024), writeUnitsFor(1025)]).toEqual([1, 1, 2]);
  });
});

describe('Class: DynamoDbMeter', () => {
  it('adds up the capacity DynamoDB reports, per table and operation', () => {
    const m = meter();

    m.recordSuccess(
      'PutItem',
      { TableName: 'Transactions-ab' },
      {
        ConsumedCapacity: { TableName: 'Transactions-ab', CapacityUnits: 1 },
      },
    );
    m.recordSuccess(
      'PutItem',
      { TableName: 'Transactions-ab' },
      {
        ConsumedCapacity: { TableName: 'Transactions-ab', CapacityUnits: 2 },
      },
    );

    expect(lineOf(m, 'Transactions', 'PutItem')).toMatchObject({
      calls: 2,
      writeUnits: 3,
      readUnits: 0,
      computedUnits: 0,
    });
  });

  it('charges the minimum read for each BatchGetItem key that found nothing, which DynamoDB Local does not', () => {
    const m = meter();

    m.recordSuccess(
      'BatchGetItem',
      {
        RequestItems: {
          'Entries-ab': {
            Keys: [{ k: '1' }, { k: '2' }, { k: '3' }, { k: '4' }],
            ConsistentRead: true,
          },
          'Totals-ab': { Keys: [{ k: '1' }, { k: '2' }] },
        },
      },
      {
        Responses: { 'Entries-ab': [{ k: '1' }], 'Totals-ab': [] },
        UnprocessedKeys: { 'Entries-ab': { Keys: [{ k: '4' }] } },
        ConsumedCapacity: [{ TableName: 'Entries-ab', CapacityUnits: 1 }],
      },
    );

    expect(lineOf(m, 'Entries', 'BatchGetItem')).toMatchObject({
      calls: 1,
      readUnits: 3,
      computedUnits: 2,
    });
    expect(lineOf(m, 'Totals', 'BatchGetItem')).toMatchObject({
      calls: 1,
      readUnits: 1,
      computedUnits: 1,
    });
  });

  it('computes a TransactWriteItems as 2 units per KB of each item, since DynamoDB Local misreports it', () => {
    const m = meter();
    const entry = { customerId: 'C1', transactionId: 'T1', note: 'x'.repeat(1_500) };

    m.recordSuccess(
      'TransactWriteItems',
      {
        TransactItems: [
          { Put: { TableName: 'Entries-ab', Item: entry } },
          {
            Update: {
              TableName: 'Totals-ab',
              Key: { customerId: 'C1' },
              ExpressionAttributeValues: { ':after': 5, ':next': 2 },
            },
          },
        ],
      },
      { ConsumedCapacity: [{ TableName: 'Entries-ab', CapacityUnits: 99 }] },
    );

    expect(lineOf(m, 'Entries', 'TransactWriteItems')).toMatchObject({ calls: 1, writeUnits: 4 });
    expect(lineOf(m, 'Totals', 'TransactWriteItems')).toMatchObject({ calls: 1, writeUnits: 2 });
  });

  it('charges a write whose condition failed by the size of what was sent, and counts the failure', () => {
    const m = meter();
    const failed = new ConditionalCheckFailedException({ message: 'failed', $metadata: {} });

    m.recordFailure('PutItem', { TableName: 'Entries-ab', Item: { customerId: 'C1' } }, failed);
    m.recordFailure(
      'UpdateItem',
      { TableName: 'Entries-ab', Key: { customerId: 'C1' } },
      new Error('timeout'),
    );

    expect(lineOf(m, 'Entries', 'PutItem')).toMatchObject({
      calls: 1,
      failedCalls: 1,
      writeUnits: 1,
      computedUnits: 1,
    });
    expect(lineOf(m, 'Entries', 'UpdateItem')).toMatchObject({
      calls: 1,
      failedCalls: 1,
      writeUnits: 0,
    });
  });
});
