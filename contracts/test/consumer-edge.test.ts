import { describe, expect, it } from 'vitest';
import { CURRENT_VERSION, type EventContract, eventContracts } from '../src/catalogue.ts';
import { type ConsumedEventSpec, declareConsumer } from '../src/consumer-contract.ts';
import { createConsumerEdge } from '../src/consumer-edge.ts';
import { createContractSet } from '../src/contract-set.ts';
import { ConsumerContractError, UndeclaredFieldReadError } from '../src/errors.ts';
import type { ServiceManifest } from '../src/service-manifest.ts';

type Json = Record<string, unknown>;

/** A consumer of TransactionRecorded, as small as a manifest gets. */
const manifest: ServiceManifest = {
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
      rule: 'TransactionRecordedToAuditor',
      bus: 'txnflow',
      eventPattern: { source: ['txnflow.ingest'], 'detail-type': ['TransactionRecorded'] },
      target: { kind: 'function', handler: 'audit' },
    },
  ],
};

const readsAmount = (version: string, accepts: string[]): ConsumedEventSpec => ({
  accepts,
  reads: { version, fields: { '/data/amount': { type: 'string', format: 'money' } } },
});

const v1 = eventContracts.find((c) => c.detailType === 'TransactionRecorded')!;
const example = (v1.schema.examples as Json[])[0]!;
const envelope = (detail: unknown): Json => ({
  version: '0',
  id: 'envelope-1',
  'detail-type': 'TransactionRecorded',
  source: 'txnflow.ingest',
  detail,
});

/** A v2 whose amount is `{ value, currency }`: what an upcaster from v1 has to build. */
function contractsWithV2() {
  const schema = structuredClone(v1.schema) as Json & { properties: Record<string, Json> };
  const metadata = schema.properties.metadata as { properties: Json };
  metadata.properties.schemaVersion = { type: 'string', enum: ['2'] };
  const data = schema.properties.data as { properties: Json };
  data.properties.amount = {
    type: 'object',
    additionalProperties: false,
    required: ['value', 'currency'],
    properties: {
      value: (v1.schema as { properties: { data: { properties: Json } } }).properties.data
        .properties.amount,
      currency: { type: 'string', pattern: '^[A-Z]{3}$' },
    },
  };
  const v2: EventContract = { ...v1, version: '2', schema: { ...schema, id: 'v2', examples: [] } };
  return createContractSet([...eventContracts, v2], CURRENT_VERSION);
}

const v1ToV2 = (detail: Json): Json => {
  const { metadata, data } = detail as { metadata: Json; data: Json };
  return {
    metadata: { ...metadata, schemaVersion: '2' },
    data: { ...data, amount: { value: data.amount, currency: 'GBP' } },
  };
};

describe('Function: createConsumerEdge', () => {
  it('reads an event of the version its consumer reads, exposing the declared fields', () => {
    const edge = createConsumerEdge({
      contract: declareConsumer(manifest, { TransactionRecorded: readsAmount('1', ['1']) }),
      detailType: 'TransactionRecorded',
    });

    const read = edge.read(envelope(example));

    expect(read.ok && read.event.detail.data.amount).toBe('125.40');
    expect(read.ok && read.event.id).toBe('envelope-1');
  });

  it('throws naming the field when the code reads one its contract does not declare', () => {
    const edge = createConsumerEdge({
      contract: declareConsumer(manifest, { TransactionRecorded: readsAmount('1', ['1']) }),
      detailType: 'TransactionRecorded',
    });
    const read = edge.read(envelope(example));
    if (!read.ok) throw new Error('expected the example to be read');

    expect(() => read.event.detail.data.source.key).toThrowError(UndeclaredFieldReadError);
    expect(() => read.event.detail.data.customerId).toThrowError(
      'auditor read /data/customerId of TransactionRecorded, which its consumer contract does not declare',
    );
  });

  it('upcasts an older version it accepts to the one it reads, validating the result', () => {
    const edge = createConsumerEdge({
      contract: declareConsumer(manifest, {
        TransactionRecorded: {
          accepts: ['1', '2'],
          reads: { version: '2', fields: { '/data/amount': { type: 'object' } } },
        },
      }),
      detailType: 'TransactionRecorded',
      upcasters: { '1': v1ToV2 },
      contracts: contractsWithV2(),
    });

    const read = edge.read(envelope(example));

    expect(read.ok && JSON.parse(JSON.stringify(read.event.detail.data.amount))).toEqual({
      value: '125.40',
      currency: 'GBP',
    });
  });

  it('names the step when an upcaster gives a detail its next version rejects', () => {
    const edge = createConsumerEdge({
      contract: declareConsumer(manifest, {
        TransactionRecorded: {
          accepts: ['1', '2'],
          reads: { version: '2', fields: { '/data/amount': { type: 'object' } } },
        },
      }),
      detailType: 'TransactionRecorded',
      upcasters: { '1': (d) => ({ ...v1ToV2(d as Json), data: { ...(d.data as Json) } }) },
      contracts: contractsWithV2(),
    });

    expect(edge.read(envelope(example))).toEqual({
      ok: false,
      issues: [{ path: '/detail/data/amount', message: 'upcasting v1 to v2: must be object' }],
    });
  });

  it('refuses a version it does not accept, saying which it does', () => {
    const edge = createConsumerEdge({
      contract: declareConsumer(manifest, { TransactionRecorded: readsAmount('1', ['1']) }),
      detailType: 'TransactionRecorded',
    });
    const v3 = { ...example, metadata: { ...(example.metadata as Json), schemaVersion: '3' } };

    expect(edge.read(envelope(v3))).toEqual({
      ok: false,
      issues: [
        {
          path: '/detail/metadata/schemaVersion',
          message: 'auditor accepts TransactionRecorded v1; this event is v3',
        },
      ],
    });
  });

  it('refuses to be built without an upcaster from an older version it accepts', () => {
    expect(() =>
      createConsumerEdge({
        contract: declareConsumer(manifest, { TransactionRecorded: readsAmount('2', ['1', '2']) }),
        detailType: 'TransactionRecorded',
        contracts: contractsWithV2(),
      }),
    ).toThrowError(
      new ConsumerContractError(
        "auditor's edge for TransactionRecorded accepts v1 but has no upcaster from it",
      ),
    );
  });
});
