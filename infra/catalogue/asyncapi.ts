import {
  type ConsumerContract,
  type ContractSet,
  type EventContract,
  type ServiceManifest,
  type SubscriptionSpec,
  toRegistrySchema,
} from '@txnflow/contracts';

/**
 * The AsyncAPI 3 catalogue of txnflow's events, generated from the contracts (schemas and
 * examples), the manifests (who publishes, which rules take what, and where to) and the
 * consumer contracts (what each consumer reads). docs/asyncapi.json is this document;
 * `npm run catalogue` writes it and a test fails when it is stale.
 */

type Json = Record<string, unknown>;

interface CatalogueSources {
  readonly version: string;
  readonly contracts: ContractSet;
  readonly manifests: readonly ServiceManifest[];
  readonly consumers: readonly ConsumerContract[];
}

const messageKey = (c: EventContract): string => `${c.detailType}V${c.version}`;
const messageRef = (c: EventContract) => ({
  $ref: `#/channels/${c.detailType}/messages/${messageKey(c)}`,
});
const channelRef = (detailType: string) => ({ $ref: `#/channels/${detailType}` });

/** An example detail as the whole EventBridge event a rule and a consumer see. */
function exampleEvent(contract: EventContract, detail: Json, index: number) {
  const metadata = detail.metadata as Json;
  return {
    name: `${messageKey(contract)}Example${index + 1}`,
    payload: {
      version: '0',
      id: metadata.eventId,
      'detail-type': contract.detailType,
      source: contract.source,
      account: '123456789012',
      time: String(metadata.occurredAt).replace(/\.\d+Z$/, 'Z'),
      region: 'eu-west-1',
      resources: [],
      detail,
    },
  };
}

/** A message per contract version: the EventBridge event as the schema registry holds it. */
function messageOf(contract: EventContract, current: string | undefined) {
  const schema = contract.schema as Json;
  const { $schema: _dialect, ...payload } = toRegistrySchema(contract);
  const status =
    contract.version === current ? 'the version producers publish now' : 'kept for the archive';
  return {
    name: contract.detailType,
    title: `${contract.detailType} v${contract.version}`,
    summary: `${schema.description} Version ${contract.version}: ${status}.`,
    contentType: 'application/json',
    payload,
    examples: ((schema.examples ?? []) as Json[]).map((e, i) => exampleEvent(contract, e, i)),
  };
}

function channelsOf(sources: CatalogueSources) {
  const detailTypes = [...new Set(sources.contracts.contracts.map((c) => c.detailType))];
  return Object.fromEntries(
    detailTypes.map((detailType) => {
      const versions = sources.contracts.contracts.filter((c) => c.detailType === detailType);
      const source = versions.map((c) => c.source).join(', ');
      return [
        detailType,
        {
          address: detailType,
          title: detailType,
          description:
            `Events of detail-type ${detailType}, source ${source}, on the txnflow bus ` +
            `(txnflow-<stage> on AWS, txnflow locally). Versions: ${versions.map((c) => c.version).join(', ')}; ` +
            `producers publish v${sources.contracts.current[detailType]}.`,
          messages: Object.fromEntries(
            versions.map((c) => [
              messageKey(c),
              { $ref: `#/components/messages/${messageKey(c)}` },
            ]),
          ),
        },
      ];
    }),
  );
}

function targetOf(s: SubscriptionSpec): string {
  const t = s.target;
  if (t.kind === 'function') return `invokes the function ${t.handler}`;
  if (t.kind === 'queue') return `sends to the queue ${t.queue}, read outside txnflow`;
  return `sends to the queue ${t.queue}, read by the function ${t.handler} in batches`;
}

function sendOperations(sources: CatalogueSources) {
  return sources.manifests.flatMap((m) =>
    m.publishes.map((detailType) => {
      const current = sources.contracts.current[detailType];
      const versions = sources.contracts.contracts.filter(
        (c) => c.detailType === detailType && c.version === current,
      );
      return [
        `${m.service}Publishes${detailType}`,
        {
          action: 'send',
          channel: channelRef(detailType),
          title: `${m.service} publishes ${detailType}`,
          summary: `${m.service} (source ${m.source}) publishes ${detailType} v${current}.`,
          messages: versions.map(messageRef),
        },
      ] as const;
    }),
  );
}

function receiveOperations(sources: CatalogueSources) {
  return sources.manifests.flatMap((m) => {
    const consumer = sources.consumers.find((c) => c.consumer === m.service);
    return Object.entries(consumer?.events ?? {}).flatMap(([detailType, spec]) =>
      m.subscriptions
        .filter((s) => spec?.matches.some((match) => match.rule === s.rule))
        .map((s) => {
          const accepted = sources.contracts.contracts.filter(
            (c) => c.detailType === detailType && spec?.accepts.includes(c.version),
          );
          return [
            `${m.service}${s.rule}`,
            {
              action: 'receive',
              channel: channelRef(detailType),
              title: `${m.service}: rule ${s.rule}`,
              summary: `The ${m.service} rule ${s.rule} takes ${detailType} (v${spec?.accepts.join(', v')}) and ${targetOf(s)}.`,
              messages: accepted.map(messageRef),
              'x-txnflow-event-pattern': s.eventPattern,
              'x-txnflow-reads': spec?.reads,
            },
          ] as const;
        }),
    );
  });
}

/**
 * Builds the AsyncAPI 3.1 document: a channel per detail-type of the txnflow bus holding a
 * message per version (the whole EventBridge event, as the schema registry holds it, with
 * the contract's examples), a `send` operation per publishing service and a `receive`
 * operation per rule taking the event (its pattern, target, the versions its service
 * accepts and the fields it reads).
 *
 * @example const doc = buildAsyncApiDocument({ version, contracts: shippedContracts, manifests, consumers });
 */
function buildAsyncApiDocument(sources: CatalogueSources): Json {
  return {
    asyncapi: '3.1.0',
    info: {
      title: 'txnflow events',
      version: sources.version,
      description:
        'The events txnflow’s services exchange on their EventBridge bus: who publishes each, ' +
        'which rules take it and what each consumer reads of it. Generated by `npm run catalogue` ' +
        'from contracts/schemas, the services’ manifests and their consumer contracts; do not edit.',
    },
    defaultContentType: 'application/json',
    channels: channelsOf(sources),
    operations: Object.fromEntries([...sendOperations(sources), ...receiveOperations(sources)]),
    components: {
      messages: Object.fromEntries(
        sources.contracts.contracts.map((c) => [
          messageKey(c),
          messageOf(c, sources.contracts.current[c.detailType]),
        ]),
      ),
    },
  };
}

export type { CatalogueSources };
export { buildAsyncApiDocument };
