import { describe, expect, it } from 'vitest';
import { compileInputTransformer } from '../delivery/input-transformer.ts';
import { compileJsonPath } from '../delivery/json-path.ts';
import { ValidationError } from '../errors.ts';

const event = {
  version: '0',
  id: 'e-1',
  'detail-type': 'OrderPlaced',
  source: 'test.shop',
  detail: {
    'order-id': 'o-1',
    note: 'say "hi"\n',
    items: [{ sku: 'a' }, { sku: 'b' }],
    total: 12.5,
  },
};
const ctx = {
  ruleArn: 'arn:aws:events:local-1:000000000000:rule/R',
  ruleName: 'R',
  arrivedAt: Date.parse('2024-03-01T12:00:00.000Z'),
  eventJson: JSON.stringify(event),
};

describe('Function: compileJsonPath', () => {
  it.each([
    ['$', event],
    ['$.detail.order-id', 'o-1'],
    ['$.detail.items[1].sku', 'b'],
    ['$.detail.items[*].sku', ['a', 'b']],
    ['$.detail.missing', undefined],
    ['$.detail.items[7]', undefined],
  ])('reads %s', (path, expected) => {
    expect(compileJsonPath(path)(event)).toEqual(expected);
  });

  it.each(['detail', '$..detail', '$.detail[x]', '$.detail[0'])('refuses %s', (path) => {
    expect(() => compileJsonPath(path)).toThrow(ValidationError);
  });
});

describe('Function: compileInputTransformer', () => {
  const transform = (inputTemplate: string, inputPathsMap: Record<string, string> = {}) =>
    compileInputTransformer({ inputPathsMap, inputTemplate })(event, ctx);

  it('quotes strings outside quotes and escapes them inside, so the result stays JSON', () => {
    // Act
    const out = transform('{"note": <note>, "text": "note: <note>", "total": <total>}', {
      note: '$.detail.note',
      total: '$.detail.total',
    });

    // Assess
    expect(JSON.parse(out)).toEqual({ note: 'say "hi"\n', text: 'note: say "hi"\n', total: 12.5 });
  });

  it('puts objects and lists in as JSON and a missing value as null', () => {
    // Act
    const out = transform('{"items": <items>, "gone": <gone>}', {
      items: '$.detail.items',
      gone: '$.detail.gone',
    });

    // Assess
    expect(JSON.parse(out)).toEqual({ items: [{ sku: 'a' }, { sku: 'b' }], gone: null });
  });

  it('fills the predefined variables', () => {
    // Act
    const out = transform(
      '{"arn": <aws.events.rule-arn>, "name": <aws.events.rule-name>, "at": <aws.events.event.ingestion-time>, "bare": <aws.events.event>, "full": <aws.events.event.json>}',
    );

    // Assess
    const { detail: _detail, ...withoutDetail } = event;
    expect(JSON.parse(out)).toEqual({
      arn: ctx.ruleArn,
      name: 'R',
      at: '2024-03-01T12:00:00.000Z',
      bare: withoutDetail,
      full: event,
    });
  });

  it('writes strings unquoted into a plain-text template, and leaves unknown <tags> alone', () => {
    expect(transform('Order <id> is <b>placed</b>', { id: '$.detail.order-id' })).toBe(
      'Order o-1 is <b>placed</b>',
    );
  });

  it('keeps a JSON string template a JSON string', () => {
    expect(JSON.parse(transform('"Order <id> placed"', { id: '$.detail.order-id' }))).toBe(
      'Order o-1 placed',
    );
  });

  it.each([
    ['a variable name starting with aws.', { 'aws.mine': '$.id' }],
    ['a variable name with spaces', { 'my var': '$.id' }],
    ['a path without $', { v: 'detail' }],
  ])('refuses %s', (_what, map) => {
    expect(() => compileInputTransformer({ inputPathsMap: map, inputTemplate: '"x"' })).toThrow(
      ValidationError,
    );
  });

  it('refuses an empty template', () => {
    expect(() => compileInputTransformer({ inputTemplate: '' })).toThrow(ValidationError);
  });
});
