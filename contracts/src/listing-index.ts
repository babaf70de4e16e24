/**
 * How a DynamoDB table is listed without a Scan: a global secondary index whose partition key
 * holds one value for every item (the table's name), sorted by the manifest's listing sort
 * key, read with Query a page at a time. The price: a write that creates a listed item, or
 * changes what the index projects, also writes the index (an index of keys only is written
 * once per item), and one partition of the index takes at most about 1,000 writes a second,
 * throttling the table's writes beyond that; listings are for operators and consoles, so the
 * listed tables are the small ones (customers, balances, alerts), never the transactions or
 * the ledger's entries.
 */

/** The index's name on every listed table. */
const LISTING_INDEX = 'Listing';

/** The partition key attribute of the listing index: the same value on every item of a table. */
const LISTING_ATTRIBUTE = 'listing';

/**
 * The value of the listing attribute on every item of a table.
 *
 * @example listingValue('Customer') // 'Customer'
 */
const listingValue = (table: string): string => table;

/**
 * The input of a DynamoDB Query for one page of a table's listing: the items after `after`
 * (by the listing's sort key), one more than the page so that the caller knows whether
 * another page follows. The adapters send it with their own client.
 *
 * @example new QueryCommand(listingPageQuery({ tableName, table: 'Customer', sortKey: 'customerId', limit: 50 }))
 */
function listingPageQuery(page: {
  readonly tableName: string;
  /** The manifest's name of the table (the listing attribute's value). */
  readonly table: string;
  readonly sortKey: string;
  readonly after?: string | undefined;
  readonly limit: number;
}) {
  const { after } = page;
  return {
    TableName: page.tableName,
    IndexName: LISTING_INDEX,
    KeyConditionExpression:
      after === undefined ? '#listing = :listing' : '#listing = :listing AND #sort > :after',
    ExpressionAttributeNames: {
      '#listing': LISTING_ATTRIBUTE,
      ...(after === undefined ? {} : { '#sort': page.sortKey }),
    },
    ExpressionAttributeValues: {
      ':listing': listingValue(page.table),
      ...(after === undefined ? {} : { ':after': after }),
    },
    Limit: page.limit + 1,
  };
}

/**
 * The input of a DynamoDB Query for one page of a partition: the items of `partitionValue`
 * whose sort key follows `after`, one more than the page, as {@link listingPageQuery}. The
 * names are the tables' own (`customerId`, `transactionId`), which no reserved word takes.
 *
 * @example new QueryCommand(partitionPageQuery({ tableName, partitionKey: 'customerId', partitionValue: 'C1', sortKey: 'transactionId', limit: 50 }))
 */
function partitionPageQuery(page: {
  readonly tableName: string;
  readonly partitionKey: string;
  readonly partitionValue: string;
  readonly sortKey: string;
  readonly after?: string | undefined;
  readonly limit: number;
  readonly consistentRead?: boolean;
}) {
  const { after, partitionKey, sortKey } = page;
  const partition = `${partitionKey} = :${partitionKey}`;
  return {
    TableName: page.tableName,
    KeyConditionExpression:
      after === undefined ? partition : `${partition} AND ${sortKey} > :after`,
    ExpressionAttributeValues: {
      [`:${partitionKey}`]: page.partitionValue,
      ...(after === undefined ? {} : { ':after': after }),
    },
    ...(page.consistentRead ? { ConsistentRead: true } : {}),
    Limit: page.limit + 1,
  };
}

export { LISTING_ATTRIBUTE, LISTING_INDEX, listingPageQuery, listingValue, partitionPageQuery };
