import type { EventPattern as ManifestPattern } from '@txnflow/contracts';
import type { EventPattern } from 'aws-cdk-lib/aws-events';

/**
 * A manifest's event pattern (plain EventBridge JSON) as the CDK takes it. The CDK renders
 * a pattern's keys as they are except `detailType`, so keys it has no field for
 * (`replay-name`) reach the template untouched; only `detail-type` is renamed.
 *
 * @example toCdkEventPattern({ source: ['txnflow.ingest'], 'detail-type': ['TransactionRecorded'] })
 */
function toCdkEventPattern(pattern: ManifestPattern): EventPattern {
  const { 'detail-type': detailType, ...rest } = pattern;
  const converted: Record<string, unknown> = { ...rest };
  if (detailType !== undefined) converted.detailType = detailType;
  return converted as EventPattern;
}

/**
 * Narrows an S3 "Object Created" pattern to one bucket (a manifest subscription's
 * `fromBucket`), keeping the pattern's other `detail` fields.
 *
 * @example withBucketName(pattern, uploads.bucketName)
 */
function withBucketName(pattern: ManifestPattern, bucketName: string): ManifestPattern {
  const detail = (pattern.detail ?? {}) as Record<string, unknown>;
  return { ...pattern, detail: { ...detail, bucket: { name: [bucketName] } } };
}

export { toCdkEventPattern, withBucketName };
