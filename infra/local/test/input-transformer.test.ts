import { describe, expect, it } from 'vitest';
import {
  compileInputTransformer,
  InvalidTransformedInputError,
} from '../delivery/input-transformer.ts';
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

  it('puts objects and lists in as JSON outside quotes', () => {
    // Act
    const out = transform('{"items": <items>, "detail": <detail>}', {
      items: '$.detail.items',
      detail: '$.detail.total',
    });

    // Assess
    expect(JSON.parse(out)).toEqual({ items: [{ sku: 'a' }, { sku: 'b' }], detail: 12.5 });
  });

  // Recorded on AWS: a variable whose path the event lacks is "" outside quotes and nothing
  // inside them ({"command": ""}, "info extracted from detail ").
  it('makes a path the event does not have "" outside quotes and nothing inside them', () => {
    // Act
    const json = transform('{"gone": <gone>, "text": "info <gone>."}', { gone: '$.detail.gone' });
    const text = transform('Order <gone> placed', { gone: '$.detail.gone' });

    // Assess
    expect(JSON.parse(json)).toEqual({ gone: '', text: 'info .' });
    expect(text).toBe('Order  placed');
  });

  // Recorded on AWS: "Payload of {acc_id:0a787ecb-4015,sf_id:baz}", "[ACTIVE,INACTIVE] items"
  // ("EventBridge removes any internal quotes to ensure a valid string").
  it('puts an object or a list inside a quoted string with its inner quotes removed', () => {
    // Prepare
    const recorded = {
      ...event,
      detail: {
        payload: { acc_id: '0a787ecb-4015', sf_id: 'baz' },
        states: ['ACTIVE', 'INACTIVE'],
      },
    };
    const paths = { payload: '$.detail.payload', states: '$.detail.states' };

    // Act
    const string = compileInputTransformer({
      inputPathsMap: paths,
      inputTemplate: '"Payload of <payload>"',
    })(recorded, ctx);
    const object = compileInputTransformer({
      inputPathsMap: paths,
      inputTemplate: '{"text": "<states> items", "payload": "Payload of <payload>"}',
    })(recorded, ctx);

    // Assess
    expect(JSON.parse(string)).toBe('Payload of {acc_id:0a787ecb-4015,sf_id:baz}');
    expect(JSON.parse(object)).toEqual({
      text: '[ACTIVE,INACTIVE] items',
      payload: 'Payload of {acc_id:0a787ecb-4015,sf_id:baz}',
    });
  });

  it('refuses to deliver a JSON template the event makes invalid JSON', () => {
    // Prepare: the predefined event JSON is never escaped, so inside a string it breaks out.
    const transformer = compileInputTransformer({
      inputTemplate: '{"text": "event <aws.events.event.json>"}',
    });

    // Act
    const act = () => transformer(event, ctx);

    // Assess
    expect(act).toThrow(InvalidTransformedInputError);
  });

  it('fills the predefined variables', () => {
    // Act
    const out = transform(
      '{"arn": <aws.events.rule-arn>, "name": <aws.events.rule-name>, "at": <aws.events.event.ingestion-time>, "bare": <aws.events.event>, "full": <aws.events.event.json>}',
    );

    // Assess
    expect(JSON.parse(out)).toEqual({
      arn: ctx.ruleArn,
      name: 'R',
      at: '2024-03-01T12:00:00.000Z',
      bare: { id: 'e-1', detailType: 'OrderPlaced', source: 'test.shop', version: '0' },
      full: event,
    });
  });

  // Recorded on AWS: <aws.events.event> is the event without detail, detail-type spelled
  // detailType, keys in this order.
  it('gives <aws.events.event> the shape AWS gives it', () => {
    // Prepare
    const envelope = {
      version: '0',
      id: 'e-2',
      'detail-type': 'OrderPlaced',
      source: 'test.shop',
      account: '111111111111',
      time: '2024-03-01T12:00:00Z',
      region: 'eu-west-1',
      resources: [],
      detail: { orderId: 'o-2' },
    };

    // Act
    const out = compileInputTransformer({ inputTemplate: '{"e": <aws.events.event>}' })(
      envelope,
      ctx,
    );

    // Assess
    expect(Object.keys(JSON.parse(out).e)).toEqual([
      'id',
      'account',
      'detailType',
      'time',
      'source',
      'region',
      'resources',
      'version',
    ]);
  });

  it('writes strings unquoted into a plain-text template', () => {
    expect(transform('Order <id> is placed', { id: '$.detail.order-id' })).toBe(
      'Order o-1 is placed',
    );
  });

  // Recorded on AWS: PutTargets answers "InputTemplate for target <id> contains invalid
  // placeholder notdefinedkey." (ValidationException).
  it.each([
    ['a variable not in the map', '"Event with <notdefinedkey>"', 'notdefinedkey'],
    ['an HTML-looking tag', 'Order is <b>placed</b>', 'b'],
  ])('refuses a template with %s', (_what, inputTemplate, name) => {
    const act = () =>
      compileInputTransformer({ inputPathsMap: { id: '$.id' }, inputTemplate }, { targetId: 'T1' });

    expect(act).toThrow(
      new ValidationError(`InputTemplate for target T1 contains invalid placeholder ${name}.`),
    );
  });

  it('reads back a stored template with an unknown placeholder as plain text', () => {
    const out = compileInputTransformer(
      { inputTemplate: 'Order is <b>placed</b>' },
      { strict: false },
    )(event, ctx);

    expect(out).toBe('Order is <b>placed</b>');
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
