import { CfnOutput, Validations } from 'aws-cdk-lib';
import { HttpApi, HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';

interface ServiceHttpApiProps {
  /** `ingest`, `ledger`, `alerting`: in the API's description. */
  readonly service: string;
  /** The API's name, `txnflow-dev-ledger`. */
  readonly apiName: string;
  /** The function serving every route (the service's Hono app). */
  readonly handler: IFunction;
  /** Requests a second, steady, across the stage. @default 50 */
  readonly rateLimit?: number;
  /** @default 100 */
  readonly burstLimit?: number;
  /** @default RetentionDays.ONE_MONTH */
  readonly logRetention?: RetentionDays;
}

/**
 * A service's query API: an API Gateway HTTP API whose every request (the `$default` route)
 * goes to the service's function with payload format 2.0, and must be signed with SigV4 by
 * a principal allowed `execute-api:Invoke` on it (IAM authorization: no request reaches the
 * function unsigned). The function routes, validates and answers 404 itself, so routes are
 * written once, in the service's code. Its stage logs every request and is throttled.
 *
 * @example new ServiceHttpApi(this, 'HttpApi', { service: 'ledger', apiName: 'txnflow-dev-ledger', handler: fn.function })
 */
class ServiceHttpApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: ServiceHttpApiProps) {
    super(scope, id);
    this.api = new HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: `txnflow ${props.service} query API (IAM authorization)`,
      defaultIntegration: new HttpLambdaIntegration('Function', props.handler),
      defaultAuthorizer: new HttpIamAuthorizer(),
      createDefaultStage: false,
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', {
      retention: props.logRetention ?? RetentionDays.ONE_MONTH,
    });
    this.stage = new HttpStage(this, 'DefaultStage', {
      httpApi: this.api,
      stageName: '$default',
      autoDeploy: true,
      throttle: { rateLimit: props.rateLimit ?? 50, burstLimit: props.burstLimit ?? 100 },
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs) },
    });
    new CfnOutput(this, 'Url', {
      value: this.stage.url,
      description: `txnflow ${props.service} API (sign requests with SigV4, service execute-api)`,
    });
    // cdk-nag's API Gateway checks: APIG4 wants authorization, which IAM is.
    Validations.of(this.api).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'Every route is authorized by IAM (HttpIamAuthorizer on the $default route).',
    });
  }
}

export type { ServiceHttpApiProps };
export { ServiceHttpApi };
