import { alertingManifest } from '@txnflow/alerting';
import { type EventContract, eventContracts, type ServiceManifest } from '@txnflow/contracts';
import { ingestManifest } from '@txnflow/ingest';
import { ledgerManifest } from '@txnflow/ledger';
import { describe, expect, it } from 'vitest';
import { manifestRuleOf } from '../../infra/cdk/names.ts';
import { testEventPattern } from '../../infra/local/event-pattern/index.ts';
import { templateOf } from '../../infra/test/cdk/txnflow-templates.ts';

/**
 * The deployed routing, read from the synthesized templates, run through the local
 * runtime's EventBridge pattern matcher against the contracts' own examples: each rule takes
 * the events it exists for, a backfill replay reaches the ledger, and no replay (nor an
 * alert a replay caused) reaches anything that notifies people.
 */

type Json = Record<string, unknown>;
interface DeployedRule {
  readonly service: string;
  readonly rule: string;
  readonly eventBusName: unknown;
  readonly pattern: Json;
}

const UPLOADS_BUCKET = 'txnflow-test-ingest-uploads-1a2b3c';
/** Each service stack with the manifest it is built from. */
const services = [
  { stack: 'ingest', manifest: ingestManifest },
  { stack: 'ledger', manifest: ledgerManifest },
  { stack: 'alerting', manifest: alertingManifest },
] as const satisfies readonly { stack: string; manifest: ServiceManifest }[];
const manifests: readonly ServiceManifest[] = services.map((s) => s.manifest);

/** A deploy-time reference (the bucket's `Ref`) as the value it resolves to. */
function resolveRefs(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(resolveRefs);
  if (value && typeof value === 'object') {
    const record = value as Json;
    if (typeof record.Ref === 'string' && record.Ref.startsWith('UploadsBucket')) {
      return UPLOADS_BUCKET;
    }
    return Object.fromEntries(Object.entries(record).map(([k, v]) => [k, resolveRefs(v)]));
  }
  return value;
}

/** The rules of the service stacks as deployed (stage `test`, default settings). */
function deployedRules(): DeployedRule[] {
  return services.flatMap(({ stack, manifest }) =>
    Object.values(templateOf('defaults', stack).findResources('AWS::Events::Rule')).map(
      (resource) => {
        const props = resource.Properties as Json;
        const rule = manifestRuleOf(String(props.Description));
        if (!rule) throw new Error(`rule without a manifest name: ${String(props.Description)}`);
        return {
          service: manifest.service,
          rule,
          eventBusName: props.EventBusName,
          pattern: resolveRefs(props.EventPattern) as Json,
        };
      },
    ),
  );
}

interface EnvelopeOptions {
  readonly replayName?: string;
}

/** The EventBridge event a rule sees for a contract example. */
function envelope(contract: EventContract, detail: unknown, options: EnvelopeOptions = {}) {
  return {
    version: '0',
    id: '6a7e8feb-b491-4cf7-a9f1-bf3703467718',
    'detail-type': contract.detailType,
    source: contract.source,
    account: '123456789012',
    time: '2026-11-20T09:15:03Z',
    region: 'eu-west-1',
    resources: [],
    detail,
    ...(options.replayName ? { 'replay-name': options.replayName } : {}),
  };
}

function examplesOf(detailType: string): { contract: EventContract; detail: Json }[] {
  return eventContracts
    .filter((c) => c.detailType === detailType)
    .flatMap((contract) =>
      ((contract.schema.examples ?? []) as Json[]).map((detail) => ({ contract, detail })),
    );
}

const replayNameIn = (detail: Json): unknown => (detail.metadata as Json | undefined)?.replayName;

function objectCreated(bucket: string, key: string) {
  return {
    version: '0',
    id: '17793124-05d4-b198-2fde-7ededc63b103',
    'detail-type': 'Object Created',
    source: 'aws.s3',
    account: '123456789012',
    time: '2026-11-20T09:15:00Z',
    region: 'eu-west-1',
    resources: [`arn:aws:s3:::${bucket}`],
    detail: {
      version: '0',
      bucket: { name: bucket },
      object: { key, size: 1204, etag: 'b1946ac92492d2347c6235b4d2611184', sequencer: '00617F' },
      'request-id': 'N4N7GDK58NMKJ12R',
      requester: '123456789012',
      reason: 'PutObject',
    },
  };
}

describe('Routing contract: deployed rules against the contract examples', () => {
  const rules = deployedRules();
  const ruleNamed = (name: string): DeployedRule => {
    const found = rules.find((r) => r.rule === name);
    if (!found) throw new Error(`no deployed rule ${name}`);
    return found;
  };
  const alertingRules = () => rules.filter((r) => r.service === 'alerting');

  it('deploys exactly the rules the manifests declare, with the patterns the local runtime uses', () => {
    const declared = manifests.flatMap((m) =>
      m.subscriptions.map((s) => {
        const pattern = s.fromBucket
          ? {
              ...s.eventPattern,
              detail: {
                ...(s.eventPattern.detail as Json),
                bucket: { name: [UPLOADS_BUCKET] },
              },
            }
          : s.eventPattern;
        return { service: m.service, rule: s.rule, pattern };
      }),
    );

    expect(rules.map(({ service, rule, pattern }) => ({ service, rule, pattern }))).toEqual(
      expect.arrayContaining(declared),
    );
    expect(rules).toHaveLength(declared.length);
  });

  it('puts the contract rules on the txnflow bus of the stage and the upload rule on the default bus', () => {
    expect(ruleNamed('UploadsObjectCreatedToIngest').eventBusName).toBeUndefined();
    for (const rule of rules.filter((r) => r.service !== 'ingest')) {
      expect(rule.eventBusName).toBe('txnflow-test');
    }
  });

  describe('TransactionRecordedToLedger', () => {
    it.each(examplesOf('TransactionRecorded').map((e, i) => [i, e] as const))(
      'takes TransactionRecorded example %i, original and replayed (a backfill)',
      (_, { contract, detail }) => {
        const { pattern } = ruleNamed('TransactionRecordedToLedger');

        expect(testEventPattern(pattern, envelope(contract, detail))).toBe(true);
        expect(
          testEventPattern(pattern, envelope(contract, detail, { replayName: 'ledger-backfill' })),
        ).toBe(true);
      },
    );

    it('takes no HighBalanceDetected', () => {
      const { pattern } = ruleNamed('TransactionRecordedToLedger');

      for (const { contract, detail } of examplesOf('HighBalanceDetected')) {
        expect(testEventPattern(pattern, envelope(contract, detail))).toBe(false);
      }
    });
  });

  describe('Alerting rules', () => {
    it('are three: the function, CustomerNotify and CreditCollection', () => {
      expect(
        alertingRules()
          .map((r) => r.rule)
          .sort(),
      ).toEqual([
        'HighBalanceToAlerting',
        'HighBalanceToCreditCollection',
        'HighBalanceToCustomerNotify',
      ]);
    });

    it('each take every original HighBalanceDetected example', () => {
      const originals = examplesOf('HighBalanceDetected').filter(
        ({ detail }) => replayNameIn(detail) === undefined,
      );
      expect(originals.length).toBeGreaterThan(0);

      for (const rule of alertingRules()) {
        for (const { contract, detail } of originals) {
          expect(testEventPattern(rule.pattern, envelope(contract, detail)), rule.rule).toBe(true);
        }
      }
    });

    it('take no replayed event: none carrying replay-name in the envelope', () => {
      for (const rule of alertingRules()) {
        for (const { contract, detail } of examplesOf('HighBalanceDetected')) {
          const replayed = envelope(contract, detail, { replayName: 'ledger-backfill' });
          expect(testEventPattern(rule.pattern, replayed), rule.rule).toBe(false);
        }
      }
    });

    it('take no alert a replay caused: none carrying detail.metadata.replayName', () => {
      const causedByReplay = examplesOf('HighBalanceDetected').filter(
        ({ detail }) => replayNameIn(detail) !== undefined,
      );
      expect(causedByReplay.length).toBeGreaterThan(0);

      for (const rule of alertingRules()) {
        for (const { contract, detail } of causedByReplay) {
          expect(testEventPattern(rule.pattern, envelope(contract, detail)), rule.rule).toBe(false);
        }
      }
    });

    it('take no TransactionRecorded', () => {
      for (const rule of alertingRules()) {
        for (const { contract, detail } of examplesOf('TransactionRecorded')) {
          expect(testEventPattern(rule.pattern, envelope(contract, detail))).toBe(false);
        }
      }
    });
  });

  describe('UploadsObjectCreatedToIngest', () => {
    it('takes an upload to the uploads bucket', () => {
      const { pattern } = ruleNamed('UploadsObjectCreatedToIngest');

      expect(testEventPattern(pattern, objectCreated(UPLOADS_BUCKET, 'incoming/t.txt'))).toBe(true);
    });

    it("ignores ingest's own reports, so writing them never triggers another ingest", () => {
      const { pattern } = ruleNamed('UploadsObjectCreatedToIngest');
      const report = objectCreated(UPLOADS_BUCKET, 'reports/incoming/t.txt.rejects.csv');

      expect(testEventPattern(pattern, report)).toBe(false);
    });

    it('ignores other buckets of the account', () => {
      const { pattern } = ruleNamed('UploadsObjectCreatedToIngest');

      expect(testEventPattern(pattern, objectCreated('someone-elses-bucket', 'in/t.txt'))).toBe(
        false,
      );
    });
  });
});
