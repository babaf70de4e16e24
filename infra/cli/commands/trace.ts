import { traceLocally } from '../../local-app/trace/local-trace.ts';
import { TraceError } from '../../trace/errors.ts';
import type { Trace } from '../../trace/model.ts';
import { renderTrace } from '../../trace/render.ts';
import { type CliArgs, type CliIo, print, UsageError, withTxnflow } from '../cli-context.ts';

/** Exit code of a trace that ends in a failure (a dead letter, a delivery given up). */
const EXIT_TRACE_FAILED = 3;

/**
 * `txnflow trace ID [--json]` (the local state) or `txnflow trace ID --aws --stage S`: the
 * causal tree of an upload, transaction, alert, event or correlation id. Exits 0, or 3 when
 * the trace ends in a failure (the output says which command retries it); an id that names
 * nothing fails with the kinds of id it takes and the known ids nearest to it.
 */
async function runTrace(args: CliArgs, io: CliIo): Promise<number> {
  const [id, ...extra] = args.positionals;
  if (!id) {
    throw new UsageError(
      'trace needs an ID: an event id, a transaction C2/T1008, an alert id C2:T1012, an upload key or a correlation id',
    );
  }
  if (extra.length > 0) throw new UsageError(`trace takes one ID, not also "${extra.join(' ')}"`);
  let trace: Trace;
  try {
    trace = args.aws
      ? await traceOnAws(args, id)
      : await withTxnflow(args, io, (txnflow) => traceLocally(txnflow, id), { readOnly: true });
  } catch (error) {
    if (!(error instanceof TraceError)) throw error;
    io.err.write(`txnflow trace: ${error.message}\n`);
    return 1;
  }
  print(io, args, trace, renderTrace);
  return trace.failures.length > 0 ? EXIT_TRACE_FAILED : 0;
}

async function traceOnAws(args: CliArgs, id: string): Promise<Trace> {
  const { traceOnStage } = await import('../../aws/trace/aws-trace.ts');
  return traceOnStage({ stage: args.stage, id });
}

export { EXIT_TRACE_FAILED, runTrace };
