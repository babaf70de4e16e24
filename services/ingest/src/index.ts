export type { LocalBucket } from './adapters/local/runtime-object-store.ts';
export { RuntimeObjectStore } from './adapters/local/runtime-object-store.ts';
export { SqliteIngestStore } from './adapters/local/sqlite-ingest-store.ts';
export type {
  IngestFileDeps,
  IngestFileInput,
  IngestSummary,
  RejectedRow,
} from './domain/ingest-file.ts';
export { ingestFile } from './domain/ingest-file.ts';
export { REPORTS_PREFIX, renderRejectsReport, reportKeysFor } from './domain/reports.ts';
export { uploadIdOf } from './domain/upload-id.ts';
export type {
  CreatedObject,
  ObjectCreatedEvent,
  ObjectCreatedRead,
} from './edge/object-created-event.ts';
export { OBJECT_CREATED_SCHEMA, readObjectCreated } from './edge/object-created-event.ts';
export { decodeEventKey, InvalidEventKeyError } from './edge/s3-event-key.ts';
export type { ObjectCreatedHandlerDeps, ObjectCreatedOutcome } from './handlers/object-created.ts';
export { makeObjectCreatedHandler } from './handlers/object-created.ts';
export type { IngestLocalContext } from './local.ts';
export { createLocalIngestHandlers } from './local.ts';
export { ingestManifest } from './manifest.ts';
export { IngestError, InvalidHeaderError } from './parsing/errors.ts';
export type { ParsedLine } from './parsing/read-transaction-rows.ts';
export { readTransactionRows } from './parsing/read-transaction-rows.ts';
export { COLUMNS, validateRow } from './parsing/validate-row.ts';
export type {
  Customer,
  IngestStore,
  ObjectStore,
  RecordedTransaction,
  RecordOutcome,
  TransactionRow,
} from './ports.ts';
