export type { LocalBucket } from './adapters/local/runtime-object-store.ts';
export { RuntimeObjectStore } from './adapters/local/runtime-object-store.ts';
export type { LocalUploadBucket } from './adapters/local/runtime-upload-target.ts';
export { RuntimeUploadTarget } from './adapters/local/runtime-upload-target.ts';
export { SqliteIngestStore } from './adapters/local/sqlite-ingest-store.ts';
export { SqliteUploadTasks } from './adapters/local/sqlite-upload-tasks.ts';
export type { IngestConfig } from './config.ts';
export { DEFAULT_CHUNK_BYTES, IngestConfigError, readIngestConfig } from './config.ts';
export { CHUNKS_PREFIX } from './domain/chunk-artifacts.ts';
export type {
  IngestFileDeps,
  IngestFileInput,
  IngestSummary,
  RejectedRow,
} from './domain/ingest-file.ts';
export { ingestFile } from './domain/ingest-file.ts';
export { REPORTS_PREFIX, renderRejectsReport, reportKeysFor } from './domain/reports.ts';
export { uploadIdOf } from './domain/upload-id.ts';
export { UPLOADS_PREFIX } from './domain/uploads-prefix.ts';
export type {
  CreatedObject,
  ObjectCreatedEvent,
  ObjectCreatedRead,
} from './edge/object-created-event.ts';
export { OBJECT_CREATED_SCHEMA, readObjectCreated } from './edge/object-created-event.ts';
export { decodeEventKey, InvalidEventKeyError } from './edge/s3-event-key.ts';
export type { ChunkQueueEvent, ChunkTaskHandlerDeps } from './handlers/chunk-task.ts';
export { makeChunkTaskHandler } from './handlers/chunk-task.ts';
export type {
  ChunkingDeps,
  ObjectCreatedHandlerDeps,
  ObjectCreatedOutcome,
} from './handlers/object-created.ts';
export { makeObjectCreatedHandler } from './handlers/object-created.ts';
export type { IngestApiDeps } from './http/ingest-api.ts';
export { createIngestApi, transactionView } from './http/ingest-api.ts';
export { checkFileName } from './http/upload-body.ts';
export type { IngestLocalApiContext, IngestLocalContext } from './local.ts';
export { createLocalIngestApi, createLocalIngestHandlers } from './local.ts';
export { CHUNK_QUEUE, ingestManifest } from './manifest.ts';
export { IngestError, InvalidHeaderError } from './parsing/errors.ts';
export type { ParsedLine } from './parsing/read-transaction-rows.ts';
export { readTransactionRows } from './parsing/read-transaction-rows.ts';
export { COLUMNS, validateRow } from './parsing/validate-row.ts';
export type {
  ByteRange,
  Customer,
  CustomerWrite,
  IngestQueries,
  IngestStore,
  ObjectStore,
  RecordedTransaction,
  RecordOutcome,
  StoredUpload,
  TaskQueue,
  TransactionRow,
  UploadTarget,
  UploadTasks,
} from './ports.ts';
