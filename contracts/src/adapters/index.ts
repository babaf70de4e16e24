export { batchesOf, forEachBounded } from './bounded.ts';
export { assertEventBusExists, EventBusNotFoundError } from './event-bus-check.ts';
export { createEventBridgeTransport } from './eventbridge-transport.ts';
export {
  bucketEnvName,
  LambdaEnv,
  MissingEnvironmentError,
  queueEnvName,
  readEnvironment,
  tableEnvName,
  topicEnvName,
} from './lambda-environment.ts';
export { CONTRACT_VALIDATION_FAILED, SqsDeadLetterSink } from './sqs-dead-letter-sink.ts';
export type { StructuredLog, StructuredLogger } from './structured-log.ts';
export { toStructuredLog } from './structured-log.ts';
