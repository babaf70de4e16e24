import { readFile } from 'node:fs/promises';
import { Parser } from '@asyncapi/parser';
import { shippedContracts, validateDetail } from '@txnflow/contracts';
import { beforeAll, describe, expect, it } from 'vitest';
import { buildAsyncApiDocument } from '../../catalogue/asyncapi.ts';
import { ASYNCAPI_FILE } from '../../catalogue/files.ts';
import { catalogueSources } from '../../catalogue/sources.ts';

type Json = Record<string, unknown>;

/** Error (0) and warning (1) diagnostics of the AsyncAPI parser, one line each. */
async function problemsOf(document: Json): Promise<string[]> {
  const { diagnostics } = await new Parser().parse(JSON.stringify(document));
  return diagnostics
    .filter((d) => d.severity <= 1)
    .map((d) => `${d.code} at ${d.path.join('/')}: ${d.message}`);
}

const operations = (doc: Json) => Object.values(doc.operations as Record<string, Json>);
const channelOf = (operation: Json) =>
  String((operation.channel as Json).$ref)
    .split('/')
    .pop();

describe('The AsyncAPI catalogue (docs/asyncapi.json)', () => {
  let committed: Json;
  const generated = buildAsyncApiDocument(catalogueSources);
  beforeAll(async () => {
    committed = JSON.parse(await readFile(ASYNCAPI_FILE, 'utf8')) as Json;
  });

  it('is what the contracts and manifests generate now (run `npm run catalogue` after changing them)', () => {
    expect(committed).toEqual(generated);
  });

  it('is a valid AsyncAPI 3 document for @asyncapi/parser, without errors or warnings', async () => {
    expect(committed.asyncapi).toMatch(/^3\./);
    expect(await problemsOf(committed)).toEqual([]);
  });

  it('fails the parser when an operation names a channel it does not have', async () => {
    const broken = structuredClone(generated);
    const [first] = operations(broken);
    (first as Json).channel = { $ref: '#/channels/AccountClosed' };

    expect((await problemsOf(broken)).join('\n')).toContain(
      "'#/channels/AccountClosed' does not exist",
    );
  });

  it('has a channel per detail-type, with a message per version carrying its examples', () => {
    const messages = (generated.components as Json).messages as Record<string, Json>;
    for (const contract of shippedContracts.contracts) {
      const channel = (generated.channels as Record<string, Json>)[contract.detailType];
      const key = `${contract.detailType}V${contract.version}`;
      expect(channel?.messages).toHaveProperty(key);
      const examples = ((messages[key]?.examples ?? []) as { payload: Json }[]).map(
        (e) => e.payload,
      );
      expect(examples.map((e) => e.detail)).toEqual(contract.schema.examples);
      for (const event of examples) {
        expect(event.source).toBe(contract.source);
        expect(validateDetail(contract.detailType, event.detail).ok).toBe(true);
      }
    }
  });

  it('says which service publishes each event and which rules take it', () => {
    const publishes = catalogueSources.manifests.flatMap((m) =>
      m.publishes.map((detailType) => `${m.service} send ${detailType}`),
    );
    const takes = catalogueSources.manifests.flatMap((m) =>
      m.subscriptions
        .filter((s) => s.bus === 'txnflow')
        .map(
          (s) => `${m.service} receive ${(s.eventPattern['detail-type'] as string[])[0]} ${s.rule}`,
        ),
    );
    const described = Object.entries(generated.operations as Record<string, Json>).map(
      ([id, op]) => {
        const service = catalogueSources.manifests.find((m) => id.startsWith(m.service))?.service;
        const rule = op.action === 'receive' ? ` ${id.slice(String(service).length)}` : '';
        return `${service} ${op.action} ${channelOf(op)}${rule}`;
      },
    );

    expect(described.sort()).toEqual([...publishes, ...takes].sort());
  });
});
