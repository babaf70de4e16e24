import { describe, expect, it } from 'vitest';
import { UndeclaredFieldReadError } from '../src/errors.ts';
import { guardReads } from '../src/guarded-view.ts';

const schema = {
  properties: {
    metadata: { properties: { eventId: {}, replayName: {} } },
    data: { properties: { amount: {}, source: { properties: { key: {}, line: {} } } } },
  },
};
const detail = () => ({
  metadata: { eventId: 'e-1' },
  data: { amount: '1.00', source: { key: 'in/t.txt', line: 2 } },
});
const guard = (fields: string[]) =>
  guardReads(detail(), { consumer: 'ledger', detailType: 'TransactionRecorded', fields, schema });

describe('Function: guardReads', () => {
  it('exposes declared fields, and everything under a declared object', () => {
    const view = guard(['/data/amount', '/data/source']);

    expect(view.data.amount).toBe('1.00');
    expect(view.data.source.key).toBe('in/t.txt');
  });

  it('throws on a field the event holds that is not declared, naming its pointer', () => {
    const view = guard(['/data/amount']);

    expect(() => view.data.source).toThrowError(UndeclaredFieldReadError);
    expect(() => view.metadata).toThrowError(/ledger read \/metadata of TransactionRecorded/);
  });

  it('throws on a field the schema defines even when this event lacks it', () => {
    const view = guard(['/metadata/eventId']) as { metadata: { replayName?: string } };

    expect(() => view.metadata.replayName).toThrowError(/\/metadata\/replayName/);
    expect(() => 'replayName' in view.metadata).toThrowError(/\/metadata\/replayName/);
  });

  it('lists, spreads and serializes only the declared fields', () => {
    const view = guard(['/metadata/eventId', '/data/amount']);

    expect(Object.keys(view)).toEqual(['metadata', 'data']);
    expect({ ...view.data }).toEqual({ amount: '1.00' });
    expect(JSON.parse(JSON.stringify(view))).toEqual({
      metadata: { eventId: 'e-1' },
      data: { amount: '1.00' },
    });
  });

  it('is read-only', () => {
    const view = guard(['/data/amount']);

    expect(() => {
      (view.data as { amount: string }).amount = '2.00';
    }).toThrowError(TypeError);
  });
});
