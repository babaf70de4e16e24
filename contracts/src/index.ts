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
export type {
  ConsumedEvent,
  ConsumedEventSpec,
  ConsumerContract,
  FieldRead,
  FieldType,
  MatchedField,
  ValueFormat,
} from './consumer-contract.ts';
export {
  declareConsumer,
  describeRead,
  matchedFields,
  VALUE_FORMATS,
} from './consumer-contract.ts';
export type { ConsumerEdge, ConsumerEdgeOptions, Upcaster } from './consumer-edge.ts';
export { createConsumerEdge } from './consumer-edge.ts';
export type { DeadLetterSink, ReadResult, ReceivedEvent } from './consuming.ts';
export { describeIssues, readEvent, readEventJson } from './consuming.ts';
export type { ContractSet } from './contract-set.ts';
export { createContractSet, shippedContracts } from './contract-set.ts';
export type { ValidationIssue } from './errors.ts';
export {
  ConsumerContractError,
  ContractError,
  ContractValidationError,
  InvalidMoneyError,
  UndeclaredFieldReadError,
} from './errors.ts';
export type {
  HighBalanceDetectedV1,
  HighBalanceDetectedV1Data,
} from './generated/HighBalanceDetected.v1.ts';
export type {
  TransactionRecordedV1,
  TransactionRecordedV1Data,
} from './generated/TransactionRecorded.v1.ts';
export type { ReadGuard } from './guarded-view.ts';
export { guardReads } from './guarded-view.ts';
export {
  LISTING_ATTRIBUTE,
  LISTING_INDEX,
  listingPageQuery,
  listingValue,
  partitionPageQuery,
} from './listing-index.ts';
export type { MigratableDatabase } from './local-table-migrations.ts';
export {
  LocalTablesOutdatedError,
  LocalTablesTooNewError,
  migrateLocalTables,
} from './local-table-migrations.ts';
export type { Log } from './log.ts';
export type { Cents } from './money.ts';
export { formatMoney, MAX_MONEY_CENTS, parseMoney } from './money.ts';
export type { Page, PageRequest } from './pages.ts';
export { pageOf } from './pages.ts';
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
  ResolvedApi,
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
export { renderSchemaChanges } from './schema-change-report.ts';
export type { SchemaChange, SchemaChangeSources, UnreadableEvent } from './schema-changes.ts';
export { classifySchemaChanges, needsNewVersion, schemaDiff } from './schema-changes.ts';
export type {
  ApiSpec,
  BucketSpec,
  EventPattern,
  HandlerSpec,
  QueueConsumerSpec,
  QueueSpec,
  ServiceManifest,
  SubscriptionSpec,
  SubscriptionTarget,
  TableItemAction,
  TableReadAction,
  TableSpec,
  TopicSpec,
} from './service-manifest.ts';
export { BUS_NAME, localTableName } from './service-manifest.ts';
export type { ValidationResult } from './validate.ts';
export { assertValidDetail, isTransactionDate, validateDetail } from './validate.ts';
export type { ConsumerBreak } from './verify-consumers.ts';
export { verifyConsumers } from './verify-consumers.ts';
