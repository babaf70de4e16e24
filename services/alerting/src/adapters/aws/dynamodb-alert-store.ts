import {
  type DynamoDBDocumentClient,
  GetCommand,
  PutCommand,
  paginateScan,
  QueryCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import {
  LISTING_ATTRIBUTE,
  listingPageQuery,
  listingValue,
  type Page,
  type PageRequest,
  pageOf,
} from '@txnflow/contracts';
import { type Alert, type AlertQueries, type AlertStore, alertListingKey } from '../../ports.ts';

const isConditionFailure = (error: unknown): boolean =>
  error instanceof Error && error.name === 'ConditionalCheckFailedException';

/** Binary order on strings, as SQLite's ORDER BY sorts TEXT, so both adapters list alike. */
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The port's fields only: the item also holds `emailClaimedAt`, the claim's bookkeeping. */
const toAlert = (item: Record<string, unknown>): Alert => ({
  alertId: String(item.alertId),
  customerId: String(item.customerId),
  balanceCents: Number(item.balanceCents),
  previousBalanceCents: Number(item.previousBalanceCents),
  thresholdCents: Number(item.thresholdCents),
  transactionId: String(item.transactionId),
  transactionDate: String(item.transactionDate),
  detectedAt: String(item.detectedAt),
  correlationId: String(item.correlationId),
  notified: item.notified === true,
});

/**
 * The AlertStore port on DynamoDB (table Alerts, partition key `alertId`; `listing` and
 * `listingKey` put its items in the `Listing` index, so alerts are listed without a Scan). Every decision
 * is a condition on one item, so concurrent deliveries of one alert agree: the insert
 * (`attribute_not_exists`), and the email claim (not notified, no claim younger than the
 * lease; `emailClaimedAt` holds epoch milliseconds).
 *
 * @example new DynamoDbAlertStore(documentClient, process.env.ALERTS_TABLE_NAME)
 */
class DynamoDbAlertStore implements AlertStore, AlertQueries {
  readonly #client: DynamoDBDocumentClient;
  readonly #tableName: string;

  constructor(client: DynamoDBDocumentClient, tableName: string) {
    this.#client = client;
    this.#tableName = tableName;
  }

  async record(alert: Alert): Promise<'recorded' | 'duplicate'> {
    try {
      await this.#client.send(
        new PutCommand({
          TableName: this.#tableName,
          Item: {
            ...alert,
            [LISTING_ATTRIBUTE]: listingValue('Alerts'),
            listingKey: alertListingKey(alert),
          },
          ConditionExpression: 'attribute_not_exists(alertId)',
        }),
      );
      return 'recorded';
    } catch (error) {
      if (isConditionFailure(error)) return 'duplicate';
      throw error;
    }
  }

  async find(alertId: string): Promise<Alert | undefined> {
    const { Item } = await this.#client.send(
      new GetCommand({ TableName: this.#tableName, Key: { alertId }, ConsistentRead: true }),
    );
    return Item ? toAlert(Item) : undefined;
  }

  async claimEmail(alertId: string, now: Date, leaseSeconds: number): Promise<boolean> {
    const nowMs = now.getTime();
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { alertId },
          UpdateExpression: 'SET emailClaimedAt = :now',
          ConditionExpression:
            'attribute_exists(alertId) AND notified = :false AND ' +
            '(attribute_not_exists(emailClaimedAt) OR emailClaimedAt <= :expired)',
          ExpressionAttributeValues: {
            ':now': nowMs,
            ':false': false,
            ':expired': nowMs - leaseSeconds * 1000,
          },
        }),
      );
      return true;
    } catch (error) {
      if (isConditionFailure(error)) return false;
      throw error;
    }
  }

  async markNotified(alertId: string): Promise<void> {
    try {
      await this.#client.send(
        new UpdateCommand({
          TableName: this.#tableName,
          Key: { alertId },
          UpdateExpression: 'SET notified = :true',
          ConditionExpression: 'attribute_exists(alertId)',
          ExpressionAttributeValues: { ':true': true },
        }),
      );
    } catch (error) {
      // No such alert: nothing to mark (the SQLite adapter updates no row either), and the
      // condition keeps an update from creating a half item.
      if (!isConditionFailure(error)) throw error;
    }
  }

  async listAlerts(): Promise<Alert[]> {
    const alerts: Alert[] = [];
    const pages = paginateScan(
      { client: this.#client },
      { TableName: this.#tableName, ConsistentRead: true },
    );
    for await (const page of pages) {
      for (const item of page.Items ?? []) alerts.push(toAlert(item));
    }
    return alerts.sort(
      (a, b) => compare(a.detectedAt, b.detectedAt) || compare(a.alertId, b.alertId),
    );
  }

  /** A Query of the Alerts table's `Listing` index, by `listingKey` (see alertListingKey). */
  async alertsPage({ after, limit }: PageRequest): Promise<Page<Alert>> {
    const { Items = [] } = await this.#client.send(
      new QueryCommand(
        listingPageQuery({
          tableName: this.#tableName,
          table: 'Alerts',
          sortKey: 'listingKey',
          after,
          limit,
        }),
      ),
    );
    return pageOf(Items.map(toAlert), limit, alertListingKey);
  }
}

export { DynamoDbAlertStore };
