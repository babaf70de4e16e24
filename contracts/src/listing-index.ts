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

export { LISTING_ATTRIBUTE, LISTING_INDEX, listingValue };
