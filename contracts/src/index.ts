export type { DetailByType, EventContract } from './catalogue.ts';
export {
  CURRENT_VERSION,
  DetailType,
  EventSource,
  eventContracts,
  findContract,
} from './catalogue.ts';
export type { BreakingChange } from './compatibility.ts';
export { findBreakingChanges } from './compatibility.ts';
export type { DeadLetterSink, ReadResult, ReceivedEvent } from './consuming.ts';
export { describeIssues, readEvent, readEventJson } from './consuming.ts';
export type { ValidationIssue } from './errors.ts';
export { ContractError, ContractValidationError, InvalidMoneyError } from './errors.ts';
export type {
  HighBalanceDetectedV1,
  HighBalanceDetectedV1Data,
} from './generated/HighBalanceDetected.v1.ts';
export type {
  TransactionRecordedV1,
  TransactionRecordedV1Data,
} from './generated/TransactionRecorded.v1.ts';
export type { MigratableDatabase } from './local-table-migrations.ts';
export {
  LocalTablesOutdatedError,
  LocalTablesTooNewError,
  migrateLocalTables,
} from './local-table-migrations.ts';
export type { Log } from './log.ts';
export type { Cents } from './money.ts';
export { formatMoney, MAX_MONEY_CENTS, parseMoney } from './money.ts';
export type {
  ContractEvent,
  EventCause,
  EventPublisher,
  EventPublisherOptions,
  PutEventsEntry,
  PutEventsResult,
  PutEventsTransport,
} from './publishing.ts';
export {
  buildEvent,
  createEventPublisher,
  EventTooLargeError,
  entrySize,
  MAX_ENTRIES_PER_CALL,
  MAX_ENTRY_BYTES,
  PublishFailedError,
  toPutEventsEntries,
} from './publishing.ts';
export { toRegistrySchema } from './registry-schema.ts';
export type {
  DeadLetterQueueRef,
  ResolvedConsumer,
  ResolvedHandler,
  ResolvedManifest,
  ResolvedQueue,
  ResolvedSubscription,
  ResolvedTarget,
  RetryPolicy,
} from './resolve-manifest.ts';
export {
  deadLetterQueueOf,
  MANIFEST_DEFAULTS,
  ManifestReferenceError,
  manifestDeadLetterQueues,
  resolveManifest,
} from './resolve-manifest.ts';
export type {
  BucketSpec,
  EventPattern,
  HandlerSpec,
  QueueConsumerSpec,
  QueueSpec,
  ServiceManifest,
  SubscriptionSpec,
  SubscriptionTarget,
  TableItemAction,
  TableSpec,
  TopicSpec,
} from './service-manifest.ts';
export { BUS_NAME, localTableName } from './service-manifest.ts';
export type { ValidationResult } from './validate.ts';
export { assertValidDetail, isTransactionDate, validateDetail } from './validate.ts';
