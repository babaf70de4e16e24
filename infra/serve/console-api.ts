import { resolveManifest } from '@txnflow/contracts';
import { HttpProblem } from '@txnflow/contracts/http';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { parseEmail } from '../local/index.ts';
import type { LocalTxnflow } from '../local-app/local-txnflow.ts';
import { localServices } from '../local-app/services.ts';
import { traceLocally } from '../local-app/trace/local-trace.ts';
import { ARCHIVE_NAME, deadLetterQueuesOf } from '../local-app/wire.ts';
import { UnknownTraceIdError } from '../trace/errors.ts';
import { changesStream } from './changes.ts';

/** A console request body (a replay's window) is a few hundred bytes. */
const MAX_JSON_BYTES = 16 * 1024;

/** Every queue the services' wiring makes, their dead-letter queues after them. */
const QUEUES = [
  ...localServices.flatMap(({ manifest }) => resolveManifest(manifest).queues.map((q) => q.name)),
  ...deadLetterQueuesOf(localServices),
];
const DEAD_LETTER_QUEUES = new Set(deadLetterQueuesOf(localServices));
const SERVICES = localServices.map((s) => s.manifest.service);
const RULES = localServices.flatMap((s) => s.manifest.subscriptions.map((sub) => sub.rule));

const ReplayRequest = z
  .object({
    from: z.iso.datetime({ offset: true }),
    to: z.iso.datetime({ offset: true }),
    rules: z
      .array(z.enum(RULES as [string, ...string[]]))
      .max(RULES.length)
      .default([]),
  })
  .strict();

const TraceId = /^[A-Za-z0-9][A-Za-z0-9._:/-]{0,199}$/;

function knownQueue(name: string): string {
  if (!QUEUES.includes(name)) {
    throw new HttpProblem(
      404,
      'not-found',
      `no queue ${name.slice(0, 80)} (queues: ${QUEUES.join(', ')})`,
    );
  }
  return name;
}

/** The bus's rules with their patterns and targets, as wired from the manifests. */
function busOf(txnflow: LocalTxnflow) {
  return txnflow.runtime.listRules().map((rule) => ({
    name: rule.name,
    bus: rule.eventBusName,
    state: rule.state,
    pattern: JSON.parse(rule.eventPattern) as unknown,
    targets: txnflow.runtime
      .listTargetsByRule({ rule: rule.name, eventBusName: rule.eventBusName })
      .map((t) => ({
        id: t.id,
        kind: t.target.kind,
        destination: t.target.name,
        deadLetterQueue: t.deadLetterQueue,
        retryPolicy: t.retryPolicy,
      })),
  }));
}

function replaysOf(txnflow: LocalTxnflow) {
  return txnflow.runtime
    .traceReader()
    .replays()
    .map((r) => {
      const d = txnflow.runtime.describeReplay(r.name);
      return {
        name: d.name,
        state: d.state,
        from: d.from.toISOString(),
        to: d.to.toISOString(),
        rules: r.rules ?? [],
        eventsTotal: d.eventsTotal,
        eventsReplayed: d.eventsReplayed,
        startedAt: d.startedAt.toISOString(),
        ...(d.completedAt ? { completedAt: d.completedAt.toISOString() } : {}),
        ...(d.reason ? { reason: d.reason } : {}),
      };
    })
    .reverse();
}

function outboxOf(txnflow: LocalTxnflow) {
  return txnflow
    .outbox()
    .map(({ to, subject, date, messageId }) => ({ to, subject, date, messageId }));
}

/** The email with that message id, parsed; looked up in the outbox's listing, never as a path. */
function emailOf(txnflow: LocalTxnflow, messageId: string) {
  const entry = txnflow.outbox({ raw: true }).find((e) => e.messageId === messageId);
  if (!entry?.raw) throw new HttpProblem(404, 'not-found', `no email ${messageId.slice(0, 80)}`);
  const { headers, body } = parseEmail(entry.raw);
  return { messageId, to: entry.to, subject: entry.subject, date: entry.date, headers, body };
}

/**
 * The console's own endpoints over the local runtime: the bus, the archive and its replays,
 * the queues with their messages, the outbox, traces, and the state-changing operations
 * (replay, redrive, reset), plus a stream that says when anything changed.
 *
 * @example app.route('/api/console', createConsoleApi(txnflow));
 */
function createConsoleApi(txnflow: LocalTxnflow): Hono {
  const app = new Hono();
  const { runtime } = txnflow;
  app.use(
    '*',
    bodyLimit({
      maxSize: MAX_JSON_BYTES,
      onError: () => {
        throw new HttpProblem(
          413,
          'body-too-large',
          `a console request body is at most ${MAX_JSON_BYTES} bytes`,
        );
      },
    }),
  );
  app.get('/overview', (c) =>
    c.json({
      services: SERVICES,
      rules: busOf(txnflow),
      queues: QUEUES.map((name) => ({
        name,
        deadLetter: DEAD_LETTER_QUEUES.has(name),
        messages: runtime.peekMessages(name).length,
      })),
      archive: {
        name: ARCHIVE_NAME,
        events: runtime.listArchivedEvents({ archive: ARCHIVE_NAME }).length,
        ...spanOf(txnflow),
      },
      replays: replaysOf(txnflow),
      outbox: outboxOf(txnflow),
    }),
  );
  app.get('/queues/:name', (c) => {
    const name = knownQueue(c.req.param('name'));
    return c.json({
      name,
      deadLetter: DEAD_LETTER_QUEUES.has(name),
      messages: runtime.peekMessages(name),
    });
  });
  app.post('/queues/:name/redrive', async (c) => {
    const name = knownQueue(c.req.param('name'));
    if (!DEAD_LETTER_QUEUES.has(name)) {
      throw new HttpProblem(400, 'not-a-dead-letter-queue', `${name} is not a dead-letter queue`);
    }
    return c.json(await txnflow.redrive(name));
  });
  app.get('/outbox/:messageId', (c) => c.json(emailOf(txnflow, c.req.param('messageId'))));
  app.post('/replays', async (c) => {
    const parsed = ReplayRequest.safeParse(await c.req.json().catch(() => undefined));
    if (!parsed.success) {
      const detail = parsed.error.issues
        .map((i) => `${i.path.join('.') || 'body'}: ${i.message}`)
        .join('; ');
      throw new HttpProblem(400, 'invalid-request', detail);
    }
    const { from, to, rules } = parsed.data;
    if (!(new Date(from) < new Date(to))) {
      throw new HttpProblem(400, 'invalid-request', 'from must be before to');
    }
    const name = `console-${runtime.clock.now()}`;
    runtime.startReplay({
      name,
      archive: ARCHIVE_NAME,
      from: new Date(from),
      to: new Date(to),
      ...(rules.length > 0 ? { rules } : {}),
    });
    return c.json({ name, state: runtime.describeReplay(name).state }, 202);
  });
  app.post('/reset/:service', (c) => {
    const service = c.req.param('service');
    if (!SERVICES.includes(service)) {
      throw new HttpProblem(
        404,
        'not-found',
        `no service ${service.slice(0, 40)} (services: ${SERVICES.join(', ')})`,
      );
    }
    return c.json(txnflow.reset(service));
  });
  app.get('/trace/:id{.+}', async (c) => {
    const id = c.req.param('id');
    if (!TraceId.test(id))
      throw new HttpProblem(400, 'invalid-trace-id', `"${id.slice(0, 80)}" is not a trace id`);
    try {
      return c.json(await traceLocally(txnflow, id));
    } catch (error) {
      if (error instanceof UnknownTraceIdError)
        throw new HttpProblem(404, 'unknown-trace-id', error.message);
      throw error;
    }
  });
  app.get('/changes', (c) => changesStream(c, runtime.db));
  return app;
}

function spanOf(txnflow: LocalTxnflow) {
  const span = txnflow.archiveSpan();
  return span ? { first: span.first.toISOString(), last: span.last.toISOString() } : {};
}

export { createConsoleApi, QUEUES };
