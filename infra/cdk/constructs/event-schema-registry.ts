import { type EventContract, toRegistrySchema } from '@txnflow/contracts';
import { CfnRegistry, CfnSchema } from 'aws-cdk-lib/aws-eventschemas';
import { Construct } from 'constructs';

interface EventSchemaRegistryProps {
  /** A registry is found by name (code bindings, the console): `txnflow-dev`. */
  readonly registryName: string;
  /** Every event and version to register. */
  readonly contracts: readonly EventContract[];
}

/**
 * A schema registry holding each contract version as a JSONSchemaDraft4 schema of the whole
 * EventBridge event, named `<source>@<DetailType>-v<version>` after the convention of
 * EventBridge's discovered schemas (`aws.s3@ObjectCreated`).
 *
 * @example new EventSchemaRegistry(this, 'EventSchemas', { registryName, contracts: eventContracts })
 */
class EventSchemaRegistry extends Construct {
  readonly registry: CfnRegistry;

  constructor(scope: Construct, id: string, props: EventSchemaRegistryProps) {
    super(scope, id);
    this.registry = new CfnRegistry(this, 'Registry', {
      registryName: props.registryName,
      description: 'txnflow event contracts (JSON Schema Draft 4, from contracts/schemas)',
    });
    for (const contract of props.contracts) {
      new CfnSchema(this, `${contract.detailType}V${contract.version}`, {
        registryName: this.registry.attrRegistryName,
        schemaName: `${contract.source}@${contract.detailType}-v${contract.version}`,
        type: 'JSONSchemaDraft4',
        content: JSON.stringify(toRegistrySchema(contract)),
        description: `${contract.detailType} v${contract.version}, published by ${contract.source}`,
      });
    }
  }
}

export type { EventSchemaRegistryProps };
export { EventSchemaRegistry };
