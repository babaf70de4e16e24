import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { formatMoney, type Log } from '@txnflow/contracts';
import {
  createServiceApi,
  HttpProblem,
  MoneySchema,
  nextCursorOf,
  PageQuerySchema,
  pageRequestOf,
  pageSchema,
  problemResponses,
  recordIdParam,
} from '@txnflow/contracts/http';
import type { Balance, LedgerEntry, LedgerQueries } from '../ports.ts';

/** What the ledger's API reads through. */
interface LedgerApiDeps {
  readonly queries: LedgerQueries;
  readonly log: Pick<Log, 'error'>;
}

const BalanceSchema = z
  .object({
    customerId: z.string().openapi({ example: 'C2' }),
    balance: MoneySchema,
    version: z.number().int().openapi({ description: 'How many entries the balance holds' }),
  })
  .openapi('Balance');

const EntrySchema = z
  .object({
    transactionId: z.string().openapi({ example: 'T1008' }),
    date: z.string().openapi({ example: '2026-11-03' }),
    amount: MoneySchema,
    before: MoneySchema,
    after: MoneySchema,
    version: z.number().int().openapi({ description: "The entry's place in the chain: 1, 2, …" }),
    threshold: MoneySchema,
    crossed: z.boolean().openapi({ description: 'Whether it took the balance over the threshold' }),
    alertPublished: z.boolean(),
  })
  .openapi('LedgerEntry');

const BalanceWithEntriesSchema = BalanceSchema.extend({
  entries: pageSchema(EntrySchema, 'LedgerEntryPage'),
}).openapi('BalanceWithEntries');

const json = <T>(schema: T, description: string) => ({
  description,
  content: { 'application/json': { schema } },
});

const listBalances = createRoute({
  method: 'get',
  path: '/balances',
  summary: 'Balances in customer id order, a page at a time',
  request: { query: PageQuerySchema },
  responses: {
    200: json(pageSchema(BalanceSchema, 'BalancePage'), 'a page of balances'),
    ...problemResponses(400),
  },
});

const getBalance = createRoute({
  method: 'get',
  path: '/balances/{customerId}',
  summary: "A customer's balance and its entries in transaction id order, a page at a time",
  request: {
    params: z.object({ customerId: recordIdParam('customerId', 'C2') }),
    query: PageQuerySchema,
  },
  responses: {
    200: json(BalanceWithEntriesSchema, 'the balance, with a page of its entries'),
    ...problemResponses(400, 404),
  },
});

const toBalance = (b: Balance) => ({
  customerId: b.customerId,
  balance: formatMoney(b.cents),
  version: b.version,
});

const toEntry = (e: LedgerEntry) => ({
  transactionId: e.transactionId,
  date: e.transactionDate,
  amount: formatMoney(e.amountCents),
  before: formatMoney(e.balanceBeforeCents),
  after: formatMoney(e.balanceAfterCents),
  version: e.version,
  threshold: formatMoney(e.thresholdCents),
  crossed: e.crossedThreshold,
  alertPublished: e.alertPublished,
});

/**
 * The ledger's query API, written once for Lambda (behind API Gateway) and `txnflow serve`:
 * balances, and a customer's balance with its entries; paginated with a cursor, money as
 * 2-decimal strings, errors as problem+json.
 *
 * @example const app = createLedgerApi({ queries: new SqliteLedgerStore(db), log });
 */
function createLedgerApi(deps: LedgerApiDeps): OpenAPIHono {
  const app = createServiceApi(
    {
      service: 'ledger',
      title: 'txnflow ledger',
      version: '1',
      description: "Each customer's balance and the ledger entries that make it up.",
    },
    deps.log,
  );
  app.openapi(listBalances, async (c) => {
    const page = await deps.queries.balancesPage(pageRequestOf(c.req.valid('query')));
    return c.json({ items: page.items.map(toBalance), ...nextCursorOf(page.next) }, 200);
  });
  app.openapi(getBalance, async (c) => {
    const { customerId } = c.req.valid('param');
    // The cursor is checked (400) before the customer is looked up (404).
    const request = pageRequestOf(c.req.valid('query'));
    const balance = await deps.queries.findBalance(customerId);
    if (!balance) throw new HttpProblem(404, 'not-found', `no balance for customer ${customerId}`);
    const entries = await deps.queries.entriesPage(customerId, request);
    return c.json(
      {
        ...toBalance(balance),
        entries: { items: entries.items.map(toEntry), ...nextCursorOf(entries.next) },
      },
      200,
    );
  });
  return app;
}

export type { LedgerApiDeps };
export { createLedgerApi };
