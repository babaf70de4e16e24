import type { FaultEvent } from '../local/index.ts';

type Fields = Readonly<Record<string, unknown>>;

const fieldsOf = (value: unknown): Fields =>
  typeof value === 'object' && value !== null ? (value as Fields) : {};

/**
 * What a txnflow event is, for the fault injector's decisions: a key that is the same on
 * every run of the same file, so `TXNFLOW_FAULTS` with a seed strikes the same events
 * whatever order they are delivered in. Event ids, times and correlation ids differ on
 * every run, so the keys come from the business data:
 * - TransactionRecorded: the customer and the transaction (the ledger's idempotency key);
 * - HighBalanceDetected: the customer and the threshold it crossed (which of its
 *   transactions crossed it depends on the order the ledger applied them in);
 * - S3 "Object Created": the bucket, the key and the ETag of the upload;
 * - a task of a chunked upload (ingest's chunk queue): the file's key and size, the plan,
 *   and which task of which segment or chunk;
 * - any other event: its source, detail-type and detail.
 *
 * @example txnflowFaultKey(event) // 'TransactionRecorded C7/T123'
 */
function txnflowFaultKey(event: FaultEvent): string {
  const detailType = String(event['detail-type']);
  const detail = fieldsOf(event.detail);
  const data = fieldsOf(detail.data);
  switch (detailType) {
    case 'TransactionRecorded':
      return `${detailType} ${String(data.customerId)}/${String(data.transactionId)}`;
    case 'HighBalanceDetected':
      return `${detailType} ${String(data.customerId)}@${String(data.threshold)}`;
    case 'Object Created': {
      const object = fieldsOf(detail.object);
      return `${detailType} ${String(fieldsOf(detail.bucket).name)}/${String(object.key)}@${String(object.etag)}`;
    }
    case 'IngestChunkTask': {
      const upload = fieldsOf(detail.upload);
      const chunk = fieldsOf(detail.chunk);
      const which = detail.segment ?? chunk.index ?? detail.next;
      return `${detailType} ${String(upload.bucket)}/${String(upload.key)}#${String(upload.size)}/${String(upload.segmentBytes)} ${String(detail.kind)} ${String(which)}`;
    }
    default:
      return JSON.stringify([event.source, detailType, event.detail]);
  }
}

export { txnflowFaultKey };
