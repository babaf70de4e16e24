import { CHUNKS_PREFIX, ingestManifest, REPORTS_PREFIX, UPLOADS_PREFIX } from '@txnflow/ingest';
import { type App, Duration, Validations } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { Bucket, CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { ServiceFunction } from '../constructs/service-function.ts';
import { stackName } from '../names.ts';
import type { ServiceAppSettings } from '../service-app.ts';
import { ServiceStack, type ServiceStackProps } from './service-stack.ts';

type IngestStackProps = Omit<ServiceStackProps, 'manifest' | 'alertEmail'>;

/** How long a chunked upload's work objects (its scans, keys and chunk results) are kept. */
const CHUNK_WORK_RETENTION = Duration.days(7);

/**
 * Ingest: the uploads bucket (its "Object Created" events go to the default bus), the
 * Customer, Transactions, Uploads and UploadTasks tables, the function the upload rule
 * invokes, and the chunk queue's function. Both may read any object (any version) of the
 * bucket and write only under the reports prefix; the chunk function also reads back the
 * work objects it writes there, which expire after a week.
 *
 * @example new IngestStack(app, 'txnflow-dev-ingest', { stage: 'dev', serviceDir, depsLockFilePath })
 */
class IngestStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: IngestStackProps) {
    super(scope, id, { ...props, manifest: ingestManifest });
    const uploads = this.buckets.get('Uploads');
    const ingest = this.functions.get('objectCreated');
    const chunks = this.functions.get('chunkTask');
    if (!uploads || !ingest || !chunks) {
      throw new Error('ingest manifest lost its Uploads bucket or a handler');
    }
    uploads.addLifecycleRule({
      id: 'ChunkWorkObjects',
      prefix: CHUNKS_PREFIX,
      expiration: CHUNK_WORK_RETENTION,
      noncurrentVersionExpiration: Duration.days(1),
    });
    this.#grantUploads(uploads, ingest);
    this.#grantUploads(uploads, chunks);
    // Work objects are read back by key (the current version): s3:GetObject, there only.
    Grant.addToPrincipal({
      grantee: chunks.function,
      actions: ['s3:GetObject'],
      resourceArns: [uploads.arnForObjects(`${CHUNKS_PREFIX}*`)],
    });
    const bucketArn = `<${this.getLogicalId(uploads.node.defaultChild as CfnBucket)}.Arn>`;
    Validations.of(chunks.role).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${bucketArn}/${CHUNKS_PREFIX}*]`,
      reason:
        'The chunk function reads back the work objects of chunked uploads, under their own ' +
        'prefix of the one uploads bucket, named per upload: one action on that prefix.',
    });
    const api = this.httpApi?.function;
    if (api) {
      Validations.of(api.role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::${bucketArn}/${UPLOADS_PREFIX}*]`,
        reason:
          "The query API puts uploads under incoming/ with the uploader's file name, known only " +
          'per request: object ARNs under that prefix of the one uploads bucket, one action.',
      });
    }
  }

  /** Reads any version of any object (uploads are named by uploaders); writes reports only. */
  #grantUploads(uploads: Bucket, fn: ServiceFunction): void {
    // Ingest reads only the version the event names: GetObject and HeadObject with a VersionId
    // need s3:GetObjectVersion, and not s3:GetObject (S3's GetObject reference, "versionId").
    Grant.addToPrincipal({
      grantee: fn.function,
      actions: ['s3:GetObjectVersion'],
      resourceArns: [uploads.arnForObjects('*')],
    });
    Grant.addToPrincipal({
      grantee: fn.function,
      actions: ['s3:PutObject'],
      resourceArns: [uploads.arnForObjects(`${REPORTS_PREFIX}*`)],
    });
    const bucketArn = `<${this.getLogicalId(uploads.node.defaultChild as CfnBucket)}.Arn>`;
    const why =
      'Ingest reads whichever object was uploaded (keys are chosen by uploaders, known only ' +
      'from the event) and writes its reports under the reports/ prefix: object ARNs of the ' +
      'one uploads bucket, one action each.';
    Validations.of(fn.role).acknowledge(
      { id: `AwsSolutions-IAM5[Resource::${bucketArn}/*]`, reason: why },
      { id: `AwsSolutions-IAM5[Resource::${bucketArn}/${REPORTS_PREFIX}*]`, reason: why },
    );
  }
}

/**
 * Adds the stage's ingest stack, `txnflow-<stage>-ingest`, to an app.
 *
 * @example addIngestStack(app, serviceAppSettings(app))
 */
function addIngestStack(app: App, settings: ServiceAppSettings): IngestStack {
  const { stage } = settings.config;
  return new IngestStack(app, stackName(stage, 'ingest'), {
    ...settings.common,
    serviceDir: settings.serviceDir('ingest'),
    description: `txnflow ${stage}: ingest service (uploads bucket, Customer, Transactions)`,
  });
}

export type { IngestStackProps };
export { addIngestStack, IngestStack };
