import type { Trace } from '../../trace/model.ts';

async function traceOnStage(_options: { stage: string; id: string }): Promise<Trace> {
  throw new Error('todo');
}

export { traceOnStage };
