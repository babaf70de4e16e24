/**
 * The list prices the cost report multiplies counted calls by: AWS us-east-1, on-demand,
 * without free tiers, volume tiers or savings plans, as listed in November 2026. One table,
 * so that a price change is one line here. Each price carries the page it was checked
 * against: the AWS pricing page it comes from and, where the stored copy we could search
 * was a secondary page quoting it, that page too.
 */
const PRICES_AS_OF = '2026-11';
const PRICE_REGION = 'us-east-1';

interface Price {
  /** US dollars for `per` units. */
  readonly usd: number;
  readonly per: number;
  readonly unit: string;
  readonly source: string;
}

const PRICES = {
  dynamoDbWriteRequestUnit: {
    usd: 0.625,
    per: 1_000_000,
    unit: 'write request unit (1 KB standard write; 2 per KB in a transaction)',
    source:
      'https://aws.amazon.com/dynamodb/pricing/on-demand/ (quoted by airbyte.com/data-engineering-resources/dynamodb-pricing)',
  },
  dynamoDbReadRequestUnit: {
    usd: 0.125,
    per: 1_000_000,
    unit: 'read request unit (4 KB strongly consistent read; eventually consistent 0.5)',
    source:
      'https://aws.amazon.com/dynamodb/pricing/on-demand/ (quoted by airbyte.com/data-engineering-resources/dynamodb-pricing)',
  },
  eventBridgeCustomEvent: {
    usd: 1.0,
    per: 1_000_000,
    unit: 'custom event published (each 64 KB chunk of an entry; AWS service events are free)',
    source:
      'https://aws.amazon.com/eventbridge/pricing/ (quoted by cloudburn.io/blog/amazon-eventbridge-pricing)',
  },
  eventBridgeArchiveProcessing: {
    usd: 0.1,
    per: 1,
    unit: 'GB of events archived (processing; storage is extra, per GB-month)',
    source:
      'https://aws.amazon.com/eventbridge/pricing/ (quoted by cloudburn.io/blog/amazon-eventbridge-pricing)',
  },
  sqsRequest: {
    usd: 0.4,
    per: 1_000_000,
    unit: 'standard queue request (each 64 KB chunk)',
    source: 'https://aws.amazon.com/sqs/pricing/ (quoted by cloudburn.io/blog/amazon-sqs-pricing)',
  },
  snsPublish: {
    usd: 0.5,
    per: 1_000_000,
    unit: 'standard topic publish (each 64 KB chunk)',
    source:
      'https://aws.amazon.com/sns/pricing/ (quoted by factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols)',
  },
  snsEmailDelivery: {
    usd: 2.0,
    per: 100_000,
    unit: 'email notification delivered',
    source:
      'https://aws.amazon.com/sns/pricing/ (quoted by factualminds.com/blog/amazon-sns-pricing-publishes-fanout-protocols)',
  },
  lambdaRequest: {
    usd: 0.2,
    per: 1_000_000,
    unit: 'function invocation',
    source: 'https://aws.amazon.com/lambda/pricing/',
  },
  lambdaArmGbSecond: {
    usd: 0.0000133334,
    per: 1,
    unit: 'GB-second on arm64 (first 7.5 billion per month)',
    source:
      'https://aws.amazon.com/lambda/pricing/ (quoted by cloudchipr.com/blog/aws-lambda-pricing)',
  },
  s3GetRequest: {
    usd: 0.0004,
    per: 1_000,
    unit: 'S3 Standard GET request',
    source: 'https://aws.amazon.com/s3/pricing/ (quoted by c3x.dev/blog/s3-request-fees-explained)',
  },
  s3PutRequest: {
    usd: 0.005,
    per: 1_000,
    unit: 'S3 Standard PUT request',
    source: 'https://aws.amazon.com/s3/pricing/ (quoted by c3x.dev/blog/s3-request-fees-explained)',
  },
} as const satisfies Record<string, Price>;

type PriceName = keyof typeof PRICES;

/**
 * What `units` of a priced item cost, in US dollars.
 *
 * @example costOf('sqsRequest', 2_500_000) // 1.0
 */
function costOf(price: PriceName, units: number): number {
  const { usd, per } = PRICES[price];
  return (units * usd) / per;
}

export type { Price, PriceName };
export { costOf, PRICE_REGION, PRICES, PRICES_AS_OF };
