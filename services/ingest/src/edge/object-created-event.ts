import type { ValidationIssue } from '@txnflow/contracts';
import Ajv, { type ErrorObject, type JSONSchemaType } from 'ajv';
import type { S3ObjectCreatedNotificationEvent } from 'aws-lambda';
import { decodeEventKey, InvalidEventKeyError } from './s3-event-key.ts';

type S3ObjectCreatedDetail = S3ObjectCreatedNotificationEvent['detail'];

/**
 * The fields of S3's "Object Created" EventBridge event that ingest relies on, typed as
 * `@types/aws-lambda` types them; {@link OBJECT_CREATED_SCHEMA} checks exactly these. Other
 * fields S3 sends (etag, sequencer, event-version...) are allowed and not read. The size only
 * tells whether the file may need chunks: the chunked path reads the version's own size.
 */
type ObjectCreatedEvent = Pick<
  S3ObjectCreatedNotificationEvent,
  'id' | 'source' | 'detail-type'
> & {
  readonly detail: {
    readonly bucket: Pick<S3ObjectCreatedDetail['bucket'], 'name'>;
    readonly object: Pick<S3ObjectCreatedDetail['object'], 'key' | 'version-id'> &
      Partial<Pick<S3ObjectCreatedDetail['object'], 'size'>>;
  };
};

/** The object version an "Object Created" event names, its key decoded. */
interface CreatedObject {
  /** The S3 event's id: what caused this ingest run. */
  readonly eventId: string;
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;
  /** The object's size as the event gives it (S3 always does). @default - not given */
  readonly size?: number;
}

type ObjectCreatedRead =
  | { readonly ok: true; readonly object: CreatedObject }
  | { readonly ok: false; readonly issues: readonly ValidationIssue[] };

const nonEmpty = { type: 'string', minLength: 1 } as const;

const OBJECT_CREATED_SCHEMA: JSONSchemaType<ObjectCreatedEvent> = {
  type: 'object',
  required: ['id', 'source', 'detail-type', 'detail'],
  properties: {
    id: nonEmpty,
    source: { type: 'string', const: 'aws.s3' },
    'detail-type': { type: 'string', const: 'Object Created' },
    detail: {
      type: 'object',
      required: ['bucket', 'object'],
      properties: {
        bucket: {
          type: 'object',
          required: ['name'],
          properties: { name: { type: 'string', minLength: 3, maxLength: 63 } },
        },
        object: {
          type: 'object',
          required: ['key', 'version-id'],
          properties: {
            key: nonEmpty,
            'version-id': nonEmpty,
            size: { type: 'integer', minimum: 0, nullable: true },
          },
        },
      },
    },
  },
};

// Compiled once at module load: building a validator costs far more than running it.
const validateObjectCreated = new Ajv({ allErrors: true, strict: true, verbose: true }).compile(
  OBJECT_CREATED_SCHEMA,
);

/** Why a version id is required is not obvious from the schema alone: say it. */
const VERSION_ID_REQUIRED =
  'is required: ingest reads the object version the event names, so the bucket must be versioned';

function toIssue(error: ErrorObject): ValidationIssue {
  if (error.keyword === 'required') {
    const missing = String((error.params as { missingProperty: string }).missingProperty);
    const message = missing === 'version-id' ? VERSION_ID_REQUIRED : 'is required';
    return { path: `${error.instancePath}/${missing}`, message };
  }
  const got = error.keyword === 'type' ? '' : ` (got ${JSON.stringify(error.data)})`;
  return { path: error.instancePath, message: `${error.message ?? error.keyword}${got}` };
}

/**
 * Checks what Lambda handed ingest against S3's "Object Created" event and returns the object
 * version it names, the key decoded from S3's form encoding; or every issue, for the
 * dead-letter reason. Validate at the edge: nothing past here sees an unchecked event.
 *
 * @example const read = readObjectCreated(event); if (read.ok) await ingest(read.object);
 */
function readObjectCreated(raw: unknown): ObjectCreatedRead {
  if (!validateObjectCreated(raw)) {
    return { ok: false, issues: (validateObjectCreated.errors ?? []).map(toIssue) };
  }
  const { bucket, object } = raw.detail;
  try {
    const key = decodeEventKey(object.key);
    return {
      ok: true,
      object: {
        eventId: raw.id,
        bucket: bucket.name,
        key,
        versionId: object['version-id'],
        ...(typeof object.size === 'number' ? { size: object.size } : {}),
      },
    };
  } catch (error) {
    if (!(error instanceof InvalidEventKeyError)) throw error;
    const message = error.message.replace(/^detail\.object\.key /, '');
    return { ok: false, issues: [{ path: '/detail/object/key', message }] };
  }
}

export type { CreatedObject, ObjectCreatedEvent, ObjectCreatedRead };
export { OBJECT_CREATED_SCHEMA, readObjectCreated };
