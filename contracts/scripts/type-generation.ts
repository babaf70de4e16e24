import { compile, type JSONSchema } from 'json-schema-to-typescript';
import type { EventContract } from '../src/catalogue.ts';

/**
 * Renders the TypeScript types of one event version from its JSON Schema. The top-level
 * `metadata` and `data` objects get titles so they become named, importable types
 * (`TransactionRecordedV1Data`), not anonymous inline ones.
 */
async function renderEventTypes(contract: EventContract): Promise<string> {
  const name = `${contract.detailType}V${contract.version}`;
  const schema = structuredClone(contract.schema) as {
    properties: Record<string, Record<string, unknown>>;
    examples?: unknown;
    id?: unknown;
  };
  delete schema.examples;
  delete schema.id;
  (schema as { title?: string }).title = name;
  for (const part of ['metadata', 'data']) {
    const node = schema.properties[part];
    if (node) node.title = `${name}${part[0]?.toUpperCase()}${part.slice(1)}`;
  }
  return compile(schema as JSONSchema, name, {
    bannerComment: `/* Generated from contracts/schemas/${contract.detailType}.v${contract.version}.schema.json by \`npm run contracts:types\`. Do not edit by hand. */`,
    additionalProperties: false,
    strictIndexSignatures: true,
  });
}

export { renderEventTypes };
