import { createRoute, type OpenAPIHono, z } from '@hono/zod-openapi';
import { formatMoney, type Log } from '@txnflow/contracts';
import {
  createServiceApi,
  MoneySchema,
  nextCursorOf,
  PageQuerySchema,
  pageRequestOf,
  pageSchema,
  problemResponses,
} from '@txnflow/contracts/http';
import type { Alert, AlertQueries } from '../ports.ts';

/** What alerting's API reads through. */
interface AlertingApiDeps {
  readonly queries: AlertQueries;
  readonly log: Pick<Log, 'error'>;
}

const AlertSchema = z
  .object({
    alertId: z.string().openapi({ example: 'C2:T1012' }),
    customerId: z.string().openapi({ example: 'C2' }),
    balance: MoneySchema,
    previousBalance: MoneySchema,
    threshold: MoneySchema,
    transactionId: z.string().openapi({ example: 'T1012' }),
    transactionDate: z.string().openapi({ example: '2026-11-05' }),
    detectedAt: z.string().openapi({ example: '2026-11-05T10:00:00.000Z' }),
    emailed: z.boolean().openapi({ description: 'Whether the email went out' }),
  })
  .openapi('Alert');

const listAlerts = createRoute({
  method: 'get',
  path: '/alerts',
  summary: 'High-balance alerts in the order they were detected, a page at a time',
  request: { query: PageQuerySchema },
  responses: {
    200: {
      description: 'a page of alerts',
      content: { 'application/json': { schema: pageSchema(AlertSchema, 'AlertPage') } },
    },
    ...problemResponses(400),
  },
});

/**
 * An alert as txnflow shows it, in the API and in `txnflow alerts`: money as 2-decimal strings.
 *
 * @example alertView(alert).balance // '1750.00'
 */
const alertView = (a: Alert) => ({
  alertId: a.alertId,
  customerId: a.customerId,
  balance: formatMoney(a.balanceCents),
  previousBalance: formatMoney(a.previousBalanceCents),
  threshold: formatMoney(a.thresholdCents),
  transactionId: a.transactionId,
  transactionDate: a.transactionDate,
  detectedAt: a.detectedAt,
  emailed: a.notified,
});

/**
 * Alerting's query API, written once for Lambda (behind API Gateway) and `txnflow serve`:
 * alerts, paginated with a cursor, money as 2-decimal strings, errors as problem+json.
 *
 * @example const app = createAlertingApi({ queries: new SqliteAlertStore(db), log });
 */
function createAlertingApi(deps: AlertingApiDeps): OpenAPIHono {
  const app = createServiceApi(
    {
      service: 'alerting',
      title: 'txnflow alerting',
      version: '1',
      description: 'The high-balance alerts and whether each was emailed.',
    },
    deps.log,
  );
  app.openapi(listAlerts, async (c) => {
    const page = await deps.queries.alertsPage(pageRequestOf(c.req.valid('query')));
    return c.json(
      {
        items: page.items.map(alertView),
        ...nextCursorOf(page.next),
      },
      200,
    );
  });
  return app;
}

export type { AlertingApiDeps };
export { alertView, createAlertingApi };
