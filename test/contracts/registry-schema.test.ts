import { eventContracts, toRegistrySchema } from '@txnflow/contracts';
import Ajv from 'ajv-draft-04';
import { describe, expect, it } from 'vitest';

describe('Function: toRegistrySchema', () => {
  it.each(eventContracts.map((c) => [`${c.detailType} v${c.version}`, c] as const))(
    '%s is a valid JSON Schema Draft 4 that accepts its examples wrapped in an EventBridge event',
    (_name, contract) => {
      const ajv = new Ajv({ allErrors: true, validateFormats: false });
      const schema = toRegistrySchema(contract);

      expect(ajv.validateSchema(schema)).toBe(true);
      const validate = ajv.compile(schema);
      for (const detail of contract.schema.examples as unknown[]) {
        const event = {
          version: '0',
          id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
          'detail-type': contract.detailType,
          source: contract.source,
          account: '111122223333',
          time: '2026-11-20T09:15:02Z',
          region: 'eu-west-1',
          resources: [],
          detail,
        };
        expect(validate(event), JSON.stringify(validate.errors)).toBe(true);
      }
    },
  );
});
