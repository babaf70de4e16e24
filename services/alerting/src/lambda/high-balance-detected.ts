import { Logger } from '@aws-lambda-powertools/logger';
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  LambdaEnv,
  readEnvironment,
  SqsDeadLetterSink,
  tableEnvName,
  topicEnvName,
  toStructuredLog,
} from '@txnflow/contracts/aws';
import type { Context } from 'aws-lambda';
import { DynamoDbAlertStore } from '../adapters/aws/dynamodb-alert-store.ts';
import { SnsEmailNotifier } from '../adapters/aws/sns-email-notifier.ts';
import { makeHighBalanceDetectedHandler } from '../handlers/high-balance-detected.ts';

// Cold start: configuration read and validated once, clients built once and reused.
const [alertsTable, topicArn, deadLetterQueueUrl] = readEnvironment(process.env, [
  tableEnvName('Alerts'),
  topicEnvName('HighBalanceAlert'),
  LambdaEnv.deadLetterQueueUrl,
]);
const logger = new Logger();
const metrics = new Metrics();

const recordAlert = makeHighBalanceDetectedHandler({
  store: new DynamoDbAlertStore(DynamoDBDocumentClient.from(new DynamoDBClient({})), alertsTable),
  notifier: new SnsEmailNotifier(new SNSClient({}), topicArn),
  deadLetters: new SqsDeadLetterSink(new SQSClient({}), deadLetterQueueUrl),
  log: toStructuredLog(logger),
});

/**
 * Alerting's Lambda entry: the rule invokes it (asynchronously) with an original
 * HighBalanceDetected; a thrown error is retried by Lambda, then dead-lettered.
 *
 * @example aws lambda invoke --function-name <HighBalanceDetectedFunction> --payload file://high-balance.json out.json
 */
async function handler(event: unknown, context: Context) {
  logger.addContext(context);
  metrics.captureColdStartMetric(context.functionName);
  try {
    const outcome = await recordAlert(event);
    metrics.addMetric(
      outcome.kind === 'dead-lettered' ? 'AlertsDeadLettered' : 'AlertsReceived',
      MetricUnit.Count,
      1,
    );
    if ('emailed' in outcome && outcome.emailed) {
      metrics.addMetric('AlertEmailsSent', MetricUnit.Count, 1);
    }
    return outcome;
  } finally {
    metrics.publishStoredMetrics();
  }
}

export { handler };
