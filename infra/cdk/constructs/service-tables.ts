import { LISTING_ATTRIBUTE, LISTING_INDEX, type TableSpec } from '@txnflow/contracts';
import { RemovalPolicy } from 'aws-cdk-lib';
import {
  AttributeType,
  BillingMode,
  type ITable,
  ProjectionType,
  Table,
  TableEncryption,
} from 'aws-cdk-lib/aws-dynamodb';
import { Construct } from 'constructs';

interface ServiceTablesProps {
  /** The tables of a service manifest. */
  readonly tables: readonly TableSpec[];
  /**
   * What happens to a table (its data) when the stack deletes it.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/** The index's projection: the attributes named besides the keys, none, or all of them. */
function projectionOf(include: readonly string[] | undefined) {
  if (!include) return { projectionType: ProjectionType.ALL };
  if (include.length === 0) return { projectionType: ProjectionType.KEYS_ONLY };
  return { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: [...include] };
}

/** A manifest table name no table of this service has. */
class UnknownTableError extends Error {
  constructor(name: string, known: readonly string[]) {
    super(`no table ${name} in this service (tables: ${known.join(', ')})`);
    this.name = 'UnknownTableError';
  }
}

/**
 * A service's DynamoDB tables, one per manifest TableSpec (`TransactionsTable`): on-demand,
 * point-in-time recovery, deletion protection, retained on stack deletion, encrypted with
 * the AWS managed key (auditable in CloudTrail, no key to run); a table the manifest lists
 * gets its `Listing` index.
 *
 * @example new ServiceTables(this, 'Tables', { tables: ledgerManifest.tables }).table('TransactionTotal')
 */
class ServiceTables extends Construct {
  readonly #tables = new Map<string, Table>();

  constructor(scope: Construct, id: string, props: ServiceTablesProps) {
    super(scope, id);
    for (const spec of props.tables) {
      const table = new Table(this, `${spec.name}Table`, {
        partitionKey: { name: spec.partitionKey, type: AttributeType.STRING },
        ...(spec.sortKey ? { sortKey: { name: spec.sortKey, type: AttributeType.STRING } } : {}),
        billingMode: BillingMode.PAY_PER_REQUEST,
        pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
        deletionProtection: true,
        encryption: TableEncryption.AWS_MANAGED,
        removalPolicy: props.removalPolicy ?? RemovalPolicy.RETAIN,
      });
      if (spec.listing) {
        // Lists the table by Query, never Scan (contracts' listing-index.ts says the price).
        const { sortKey, include } = spec.listing;
        table.addGlobalSecondaryIndex({
          indexName: LISTING_INDEX,
          partitionKey: { name: LISTING_ATTRIBUTE, type: AttributeType.STRING },
          sortKey: { name: sortKey, type: AttributeType.STRING },
          ...projectionOf(include),
        });
      }
      this.#tables.set(spec.name, table);
    }
  }

  /** @throws {UnknownTableError} for a name the manifest does not declare. */
  table(name: string): ITable {
    const table = this.#tables.get(name);
    if (!table) throw new UnknownTableError(name, [...this.#tables.keys()]);
    return table;
  }

  /** Every table, by manifest name. */
  entries(): [string, ITable][] {
    return [...this.#tables];
  }
}

export type { ServiceTablesProps };
export { ServiceTables, UnknownTableError };
