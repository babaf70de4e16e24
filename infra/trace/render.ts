import type { Trace, TraceNode } from './model.ts';

const KIND_NAMES: Readonly<Record<Trace['kind'], string>> = {
  event: 'an event',
  transaction: 'a transaction',
  alert: 'an alert',
  upload: 'an uploaded file',
  correlation: 'a correlation id (one upload and all it caused)',
};

/** Blank time column, for nodes whose facts carry no time. */
const NO_TIME = ' '.repeat(12);

/** `12:00:03.250` (UTC) from an ISO time; the date goes in the header. */
function timeOfDay(at: string | undefined): string {
  return at ? at.slice(11, 23).padEnd(12) : NO_TIME;
}

function lines(nodes: readonly TraceNode[], prefix: string, out: string[]): void {
  nodes.forEach((node, i) => {
    const last = i === nodes.length - 1;
    const duration = node.durationMs !== undefined ? ` (${node.durationMs} ms)` : '';
    out.push(`${timeOfDay(node.at)}  ${prefix}${last ? '└─ ' : '├─ '}${node.summary}${duration}`);
    lines(node.children, `${prefix}${last ? '   ' : '│  '}`, out);
  });
}

function firstTime(nodes: readonly TraceNode[]): string | undefined {
  for (const node of nodes) {
    const at = node.at ?? firstTime(node.children);
    if (at) return at;
  }
  return undefined;
}

/**
 * The trace as people read it: a header, the tree with a time column (UTC, the date in the
 * header) and durations, then what failed and the command that retries it, then notes.
 *
 * @example io.out.write(`${renderTrace(trace)}\n`);
 */
function renderTrace(trace: Trace): string {
  const start = firstTime(trace.roots);
  const date = start ? `, ${start.slice(0, 10)} (times UTC)` : '';
  const where = trace.from === 'aws' ? 'the deployed stage' : 'the local state';
  const out = [`trace of ${trace.id}: ${KIND_NAMES[trace.kind]}, from ${where}${date}`];
  for (const root of trace.roots) {
    const duration = root.durationMs !== undefined ? ` (${root.durationMs} ms)` : '';
    out.push(`${timeOfDay(root.at)}  ${root.summary}${duration}`);
    lines(root.children, '', out);
  }
  if (trace.failures.length > 0) {
    out.push('', 'ends in a failure:');
    for (const failure of trace.failures) {
      out.push(`  ${failure.what}: ${failure.error}`);
      if (failure.retry) out.push(`  to try it again: ${failure.retry}`);
    }
  }
  if (trace.notes.length > 0) {
    out.push('', ...trace.notes.map((note) => `note: ${note}`));
  }
  return out.join('\n');
}

export { renderTrace };
