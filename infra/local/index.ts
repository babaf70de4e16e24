export type {
  ArchivedEventSummary,
  CreateArchiveParams,
  ListArchivedEventsParams,
} from './archive/archive.ts';
export type { ReplayDescription, StartReplayParams } from './archive/replay.ts';
export { MAX_CONCURRENT_REPLAYS, ReplayState } from './archive/replay.ts';
export type {
  GetObjectParams,
  ObjectBody,
  ObjectHead,
  ObjectSummary,
  PutObjectParams,
  PutObjectResult,
} from './bucket/bucket.ts';
export { encodeEventKey } from './bucket/event-key.ts';
export type { PutEventsEntryError, PutEventsRequestEntry } from './bus/envelope.ts';
export type { DroppedEvent, PutEventsResult, PutEventsResultEntry } from './bus/put-events.ts';
export type { PutRuleParams, PutTargetsParams, RuleDescription } from './bus/rules.ts';
export { RuleState } from './bus/rules.ts';
export type { RetryPolicy, TargetDestination, TargetSpec } from './bus/targets.ts';
export type { Clock, ClockTimer } from './clock.ts';
export { ManualClock, systemClock } from './clock.ts';
export type { FailedDelivery } from './delivery/dispatcher.ts';
export type { Handler, HandlerContext } from './delivery/handlers.ts';
export type { InputTransformer } from './delivery/input-transformer.ts';
export type { RetrySettings } from './delivery/retry.ts';
export { DeliveryErrorCode, ExhaustedRetryCondition } from './delivery/retry.ts';
export type { StateFolderHolder } from './errors.ts';
export {
  DamagedStateFolderError,
  describeHolder,
  IdleTimeoutError,
  IllegalStatusError,
  InconsistentStateError,
  InjectedFaultError,
  InvalidFaultSpecError,
  InvalidRangeError,
  LimitExceededError,
  LocalRuntimeError,
  MessageNotInflightError,
  NoSuchKeyError,
  NoSuchVersionError,
  ReadOnlyRuntimeError,
  ReceiptHandleIsInvalidError,
  ResourceAlreadyExistsError,
  ResourceNotFoundError,
  RuntimeClosedError,
  StateFolderBusyError,
  ValidationError,
} from './errors.ts';
export {
  compileEventPattern,
  InvalidEventPatternError,
  testEventPattern,
  validateEventPattern,
} from './event-pattern/index.ts';
export type { FaultEvent, FaultOptions, InjectedFault } from './faults.ts';
export { parseFaultSpec, seededRandom } from './faults.ts';
export type {
  CreateEventSourceMappingParams,
  SqsEvent,
  SqsRecord,
  SqsRecordAttribute,
} from './queues/event-source-mapping.ts';
export type {
  ChangeVisibilityParams,
  CreateQueueParams,
  MessageSystemAttributes,
  QueueDepth,
  QueuedMessage,
  ReceivedMessage,
  ReceiveMessagesParams,
  RedrivePolicy,
  SendMessageParams,
} from './queues/queue.ts';
export type { HandlerCalls, LocalRuntimeOptions, ReadOnlyRuntimeOptions } from './runtime.ts';
export { LocalRuntime } from './runtime.ts';
export type { RuntimeLog } from './runtime-log.ts';
export { assertNotDamaged, DATABASE_FILE } from './state/database.ts';
export type { WaitPolicy } from './state/driver-lock.ts';
export {
  DriverLock,
  HOLDER_FILE,
  LOCK_FILE,
  readHolder,
  retryWithBackoff,
} from './state/driver-lock.ts';
export type { OutboxEntry, ParsedEmail } from './topics/email-outbox.ts';
export { parseEmail } from './topics/email-outbox.ts';
export type { PublishParams, SubscribeParams } from './topics/topic.ts';
export type {
  AttemptFact,
  BatchFact,
  DeadLetteredFact,
  FactSubject,
  LogFact,
  MovedToDeadLetterQueueFact,
  ReceiveFact,
  RedriveAttemptFact,
  RedrivenFact,
  SentFact,
  StoredFact,
  TraceFact,
  UndeliverableFact,
} from './trace/facts.ts';
export { eventIdInBody } from './trace/facts.ts';
export type { OpenDelivery, ReplayRecord, StoredEventRecord, TraceReader } from './trace/reader.ts';
export type { TraceSettings } from './trace/settings.ts';
export { InvalidTraceSettingError, parseTraceSettings } from './trace/settings.ts';
