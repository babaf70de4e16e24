import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { makeChunkTaskHandler } from '../handlers/chunk-task.ts';
import { awsIngestDeps } from './aws-ingest-deps.ts';

// Up to 50 chunks write at once: a table still scaling up throttles them. Adaptive retries
// slow this client down instead of failing the task (which SQS would only retry after the
// queue's visibility timeout).
const { logger, metrics, ...deps } = await awsIngestDeps(process.env, {
  retryMode: 'adaptive',
  maxAttempts: 10,
});
const runTasks = makeChunkTaskHandler(deps);

/**
 * The chunk task function's Lambda entry: an SQS batch of a chunked upload's tasks (one per
 * batch, as the manifest sets it), answered with the ones that failed
 * (ReportBatchItemFailures), so only those are received again.
 *
 * @example aws lambda invoke --function-name <ChunkTaskFunction> --payload file://sqs-batch.json out.json
 */
async function handler(event: SQSEvent, context: Context): Promise<SQSBatchResponse> {
  logger.addContext(context);
  metrics.captureColdStartMetric(context.functionName);
  try {
    const response = await runTasks(event);
    metrics.addMetric('TasksReceived', MetricUnit.Count, event.Records.length);
    metrics.addMetric('TasksFailed', MetricUnit.Count, response.batchItemFailures.length);
    return response;
  } finally {
    metrics.publishStoredMetrics();
  }
}

export { handler };
