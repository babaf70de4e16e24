import { MetricUnit } from '@aws-lambda-powertools/metrics';
import type { Context } from 'aws-lambda';
import { readIngestConfig } from '../config.ts';
import { makeObjectCreatedHandler, type ObjectCreatedOutcome } from '../handlers/object-created.ts';
import { awsIngestDeps } from './aws-ingest-deps.ts';

// Cold start: configuration read and validated once, clients built once and reused.
const { chunkBytes } = readIngestConfig(process.env);
const { logger, metrics, tasks, queue, ...deps } = await awsIngestDeps(process.env, {});
const ingest = makeObjectCreatedHandler({ ...deps, chunking: { tasks, queue, chunkBytes } });

/**
 * Ingest's Lambda entry: the upload rule invokes it (asynchronously) with S3's "Object
 * Created" event. An invalid event is dead-lettered at once with its reason; a large file's
 * chunks are queued for the chunk task function; a thrown error is retried by Lambda, then
 * dead-lettered.
 *
 * @example aws lambda invoke --function-name <ObjectCreatedFunction> --payload file://object-created.json out.json
 */
async function handler(event: unknown, context: Context): Promise<ObjectCreatedOutcome> {
  logger.addContext(context);
  metrics.captureColdStartMetric(context.functionName);
  try {
    const outcome = await ingest(event);
    if (outcome.kind === 'dead-lettered') {
      metrics.addMetric('EventsDeadLettered', MetricUnit.Count, 1);
      return outcome;
    }
    if (outcome.kind === 'chunked') {
      metrics.addMetric('FilesChunked', MetricUnit.Count, 1);
      return outcome;
    }
    const { summary } = outcome;
    metrics.addMetric('RowsAccepted', MetricUnit.Count, summary.accepted);
    metrics.addMetric('RowsDuplicate', MetricUnit.Count, summary.duplicates);
    metrics.addMetric('RowsRejected', MetricUnit.Count, summary.rejected.length);
    return outcome;
  } finally {
    metrics.publishStoredMetrics();
  }
}

export { handler };
