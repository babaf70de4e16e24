import type { Database } from 'better-sqlite3';
import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';

/** How often the stream looks for a change: a counter read, no table read. */
const CHECK_EVERY_MS = 250;

/**
 * A server-sent event stream that says `change` whenever the state changed: SQLite's count
 * of rows this connection changed (`total_changes()`) moved. The one connection is the
 * driver's, which every write of the runtime and the services goes through, so a moved
 * count is any write, and an unmoved one none. A page then reads what it shows again.
 *
 * @example app.get('/changes', (c) => changesStream(c, runtime.db));
 */
function changesStream(c: Context, db: Database): Response {
  const count = db.prepare('SELECT total_changes() AS n').pluck();
  return streamSSE(c, async (stream) => {
    let seen = -1;
    let open = true;
    stream.onAbort(() => {
      open = false;
    });
    while (open) {
      const now = count.get() as number;
      if (now !== seen) {
        seen = now;
        await stream.writeSSE({ event: 'change', data: String(now) });
      }
      await stream.sleep(CHECK_EVERY_MS);
    }
  });
}

export { changesStream };
