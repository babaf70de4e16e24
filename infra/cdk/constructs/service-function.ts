import { type Duration, Tags, Validations } from 'aws-cdk-lib';
import { type IRole, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { SERVICE_TAG } from '../names.ts';

interface ServiceFunctionProps {
  /** The service owning the function: its role's tag, the Powertools service name. */
  readonly service: string;
  /** Absolute path of the Lambda entry file, which exports `handler`. */
  readonly entry: string;
  /** The npm lock file next to the workspace root; esbuild bundles from that root. */
  readonly depsLockFilePath: string;
  /** The manifest handler's, resolved. */
  readonly timeout: Duration;
  /** In MB, the manifest handler's, resolved. */
  readonly memorySize: number;
  /**
   * The role's IAM path, which the bus policy trusts (`serviceRolePath`).
   * @default '/'
   */
  readonly rolePath?: string;
  /** Added to the shared Powertools and Node.js variables. @default - none */
  readonly environment?: Readonly<Record<string, string>>;
  /**
   * Where Lambda puts an asynchronous invocation that failed every retry.
   * @default - no dead-letter queue (for functions not invoked asynchronously)
   */
  readonly deadLetterQueue?: IQueue;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * The one place txnflow's function defaults live: Node.js 24 (the current LTS Lambda runs;
 * the code also runs on Node.js 20), arm64, X-Ray tracing, Powertools variables, a log
 * group with retention, and a role of its own that can write only to that log group, tagged
 * with the service and under its path (the bus policy trusts both). Bundled locally by esbuild (no Docker)
 * as minified ESM with source maps; the AWS SDK is bundled too, so the code runs against the
 * SDK version it was tested with rather than whichever one the runtime ships that week.
 *
 * @example new ServiceFunction(this, 'TransactionRecordedFunction', { service: 'ledger', entry, depsLockFilePath, timeout: Duration.seconds(60), memorySize: 256 })
 */
class ServiceFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: IRole;

  constructor(scope: Construct, id: string, props: ServiceFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    const role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.service} function ${id}`,
      ...(props.rolePath ? { path: props.rolePath } : {}),
    });
    Tags.of(role).add(SERVICE_TAG, props.service);
    logGroup.grantWrite(role);
    this.role = role;

    this.function = new NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      depsLockFilePath: props.depsLockFilePath,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize,
      timeout: props.timeout,
      tracing: Tracing.ACTIVE,
      role,
      logGroup,
      ...(props.deadLetterQueue ? { deadLetterQueue: props.deadLetterQueue } : {}),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.service,
        POWERTOOLS_METRICS_NAMESPACE: 'txnflow',
        POWERTOOLS_LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      bundling: {
        format: OutputFormat.ESM,
        target: 'node24',
        mainFields: ['module', 'main'],
        // ESM output: CommonJS dependencies (ajv) still call require() for Node.js built-ins.
        banner:
          "import { createRequire as __txnflowRequire } from 'node:module'; const require = __txnflowRequire(import.meta.url);",
        minify: true,
        // Error classes keep their names in logs (`MissingEnvironmentError`, not `Uf`).
        keepNames: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        bundleAwsSDK: true,
        externalModules: [],
        forceDockerBundling: false,
      },
    });
    Validations.of(role).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'X-Ray tracing: xray:PutTraceSegments and xray:PutTelemetryRecords support no ' +
        'resource-level permissions, so their resource is "*"; no other statement uses "*".',
    });
  }
}

export type { ServiceFunctionProps };
export { ServiceFunction };
