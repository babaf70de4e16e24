import type { EventContract } from './catalogue.ts';

/**
 * The form the EventBridge schema registry stores (type `JSONSchemaDraft4`): the whole
 * EventBridge event, whose `detail` is the contract's schema. The contract files describe
 * only the detail, which is what producers build and consumers validate.
 *
 * @example toRegistrySchema(findContract('TransactionRecorded', '1')!)
 */
function toRegistrySchema(contract: EventContract): Record<string, unknown> {
  const { $schema: _ignored, id: _id, examples: _examples, ...detail } = contract.schema;
  return {
    $schema: 'http://json-schema.org/draft-04/schema#',
    title: `${contract.detailType}.v${contract.version}`,
    description: `EventBridge event carrying ${contract.detailType} v${contract.version} from ${contract.source}.`,
    type: 'object',
    required: ['version', 'id', 'detail-type', 'source', 'account', 'time', 'region', 'detail'],
    properties: {
      version: { type: 'string' },
      id: { type: 'string' },
      'detail-type': { type: 'string', enum: [contract.detailType] },
      source: { type: 'string', enum: [contract.source] },
      account: { type: 'string' },
      time: { type: 'string', format: 'date-time' },
      region: { type: 'string' },
      resources: { type: 'array', items: { type: 'string' } },
      'replay-name': { type: 'string' },
      detail,
    },
  };
}

export { toRegistrySchema };
