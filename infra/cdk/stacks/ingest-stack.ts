import { ingestManifest, REPORTS_PREFIX, UPLOADS_PREFIX } from '@txnflow/ingest';
import { type App, Validations } from 'aws-cdk-lib';
import { Grant } from 'aws-cdk-lib/aws-iam';
import type { CfnBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import { stackName } from '../names.ts';
import type { ServiceAppSettings } from '../service-app.ts';
import { ServiceStack, type ServiceStackProps } from './service-stack.ts';

type IngestStackProps = Omit<ServiceStackProps, 'manifest' | 'alertEmail'>;

/**
 * Ingest: the uploads bucket (its "Object Created" events go to the default bus), the
 * Customer and Transactions tables, and the function the upload rule invokes. The function
 * may read any object (any version) of the bucket and write only under the reports prefix.
 *
 * @example new IngestStack(app, 'txnflow-dev-ingest', { stage: 'dev', serviceDir, depsLockFilePath })
 */
class IngestStack extends ServiceStack {
  constructor(scope: Construct, id: string, props: IngestStackProps) {
    super(scope, id, { ...props, manifest: ingestManifest });
    const uploads = this.buckets.get('Uploads');
    const ingest = this.functions.get('objectCreated');
    if (!uploads || !ingest) throw new Error('ingest manifest lost its Uploads bucket or handler');
    // Ingest reads only the version the event names: GetObject with a VersionId needs
    // s3:GetObjectVersion, and not s3:GetObject (S3's GetObject reference, "versionId").
    Grant.addToPrincipal({
      grantee: ingest.function,
      actions: ['s3:GetObjectVersion'],
      resourceArns: [uploads.arnForObjects('*')],
    });
    Grant.addToPrincipal({
      grantee: ingest.function,
      actions: ['s3:PutObject'],
      resourceArns: [uploads.arnForObjects(`${REPORTS_PREFIX}*`)],
    });
    const bucketArn = `<${this.getLogicalId(uploads.node.defaultChild as CfnBucket)}.Arn>`;
    const why =
      'Ingest reads whichever object was uploaded (keys are chosen by uploaders, known only ' +
      'from the event) and writes its reports under the reports/ prefix: object ARNs of the ' +
      'one uploads bucket, one action each.';
    Validations.of(ingest.role).acknowledge(
      { id: `AwsSolutions-IAM5[Resource::${bucketArn}/*]`, reason: why },
      { id: `AwsSolutions-IAM5[Resource::${bucketArn}/${REPORTS_PREFIX}*]`, reason: why },
    );
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
