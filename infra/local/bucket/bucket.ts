import { createHash, randomBytes, randomUUID } from 'node:crypto';
import {
  createReadStream,
  createWriteStream,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
} from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Database, Statement } from 'better-sqlite3';
import type { Arns } from '../arns.ts';
import { DEFAULT_BUS } from '../bus/buses.ts';
import { type EnvelopeContext, type EnvelopedEvent, envelope } from '../bus/envelope.ts';
import type { EventIngest } from '../bus/put-events.ts';
import {
  InconsistentStateError,
  InvalidRangeError,
  NoSuchKeyError,
  NoSuchVersionError,
  ResourceNotFoundError,
  ValidationError,
} from '../errors.ts';
import { assertName } from '../names.ts';
import { nextCounter } from '../state/database.ts';
import { encodeEventKey } from './event-key.ts';

/** An object body: text, bytes, or a stream (streamed to disk, never held whole in memory). */
type ObjectBody = string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

interface PutObjectParams {
  readonly bucket: string;
  readonly key: string;
  readonly body: ObjectBody;
}

interface GetObjectParams {
  readonly bucket: string;
  readonly key: string;
  /** One version of the object, as S3's GetObject `VersionId`. @default - the current one */
  readonly versionId?: string | undefined;
  /**
   * Only these bytes, as S3's GetObject `Range` header: `bytes=FIRST-LAST` (inclusive, LAST
   * past the end reads to the end) or `bytes=FIRST-`. @default - the whole object
   */
  readonly range?: string | undefined;
}

/** What HeadObject answers about one version of an object. */
interface ObjectHead {
  readonly size: number;
  readonly etag: string;
  readonly lastModified: Date;
  /** In a versioned bucket only (`null` for an object put before versioning). */
  readonly versionId?: string;
}

interface PutObjectResult {
  readonly etag: string;
  /** The new version's id, in a versioned bucket only (as S3 answers). */
  readonly versionId?: string;
}

interface ObjectSummary {
  readonly key: string;
  readonly size: number;
  /** The MD5 of the body, hex, unquoted (as in S3's events). */
  readonly etag: string;
  readonly lastModified: Date;
}

interface ObjectRow {
  file: string;
  size: number;
  etag: string;
  last_modified: number;
  key: string;
  /** null for an object put before its bucket was versioned: S3's version "null". */
  version_id: string | null;
}

interface BucketRow {
  readonly id: number;
  readonly versioned: boolean;
}

interface BucketsOptions extends EnvelopeContext {
  readonly db: Database;
  readonly arns: Arns;
  readonly dir: string;
  /** A reader's view: the folder is neither made nor swept of the driver's temporary files. */
  readonly readOnly: boolean;
  readonly ingest: EventIngest;
}

const MAX_KEY_BYTES = 1024;
const TEMP_SUFFIX = '.tmp';
/** The version id S3 gives objects put before versioning was enabled on their bucket. */
const NULL_VERSION = 'null';
/** The schema version of the "Object Created" detail this bucket emits. */
const EVENT_VERSION = '1.0';

/**
 * A version id shaped like S3's: 32 characters of letters, digits, `.` and `_`
 * (`IYV3p45BT0ac8hjHg1houSdS1a.Mro8e`), random, so never reused.
 */
const newVersionId = (): string => randomBytes(24).toString('base64url').replaceAll('-', '.');

/**
 * The local bucket ("S3"): bodies are files under the state folder, the key index is in
 * SQLite, and every put sends the "Object Created" event S3 sends to EventBridge, to the
 * default bus, in the same transaction as the index update.
 *
 * @example await buckets.put({ bucket: 'uploads', key: 'in/a.txt', body: createReadStream(path) });
 */
class Buckets {
  readonly #options: BucketsOptions;
  readonly #buckets = new Map<string, BucketRow>();
  readonly #selectObject: Statement<[number, string], ObjectRow>;
  readonly #selectVersion: Statement<[number, string, string], ObjectRow>;
  readonly #commitPut: (bucket: BucketRow, row: ObjectRow, event: EnvelopedEvent) => string | null;

  constructor(options: BucketsOptions) {
    this.#options = options;
    const { db } = options;
    if (!options.readOnly) {
      // Bodies a killed process was writing: only the driver may sweep them, since another
      // process's uploads in progress look just the same.
      mkdirSync(options.dir, { recursive: true });
      for (const name of readdirSync(options.dir)) {
        if (name.endsWith(TEMP_SUFFIX)) rmSync(join(options.dir, name), { force: true });
      }
    }
    for (const row of db.prepare('SELECT id, name, versioning FROM rt_buckets').all() as {
      id: number;
      name: string;
      versioning: string | null;
    }[]) {
      this.#buckets.set(row.name, { id: row.id, versioned: row.versioning === 'Enabled' });
    }
    this.#selectObject = db.prepare('SELECT * FROM rt_objects WHERE bucket_id = ? AND key = ?');
    this.#selectVersion = db.prepare(
      'SELECT * FROM rt_object_versions WHERE bucket_id = ? AND key = ? AND version_id = ?',
    );
    const upsert = db.prepare(
      'INSERT INTO rt_objects (bucket_id, key, file, size, etag, last_modified, version_id) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (bucket_id, key) DO UPDATE SET file = excluded.file, size = excluded.size, ' +
        'etag = excluded.etag, last_modified = excluded.last_modified, version_id = excluded.version_id',
    );
    const keepVersion = db.prepare(
      'INSERT INTO rt_object_versions (bucket_id, key, version_id, file, size, etag, last_modified) ' +
        'VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const keep = (bucketId: number, row: ObjectRow, versionId: string) =>
      keepVersion.run(
        bucketId,
        row.key,
        versionId,
        row.file,
        row.size,
        row.etag,
        row.last_modified,
      );
    this.#commitPut = db.transaction((bucket: BucketRow, row: ObjectRow, event: EnvelopedEvent) => {
      const previous = this.#selectObject.get(bucket.id, row.key);
      if (bucket.versioned) {
        // The version an overwrite demotes stays readable by its id, "null" included.
        if (previous && previous.version_id === null) keep(bucket.id, previous, NULL_VERSION);
        if (row.version_id !== null) keep(bucket.id, row, row.version_id);
      }
      const { key, file, size, etag, last_modified: at, version_id: versionId } = row;
      upsert.run(bucket.id, key, file, size, etag, at, versionId);
      options.ingest.store([event]);
      return bucket.versioned ? null : (previous?.file ?? null);
    });
  }

  /**
   * Creates the bucket unless it exists (idempotent). `versioned` switches versioning on, also
   * for a bucket that exists (S3's PutBucketVersioning `Enabled`); it is never switched off.
   */
  create(params: { readonly name: string; readonly versioned?: boolean }): { location: string } {
    assertName('bucket', params.name);
    const existing = this.#buckets.get(params.name);
    const versioned = (existing?.versioned ?? false) || params.versioned === true;
    if (!existing || existing.versioned !== versioned) {
      const row = this.#options.db
        .prepare(
          'INSERT INTO rt_buckets (name, created_at, versioning) VALUES (?, ?, ?) ' +
            'ON CONFLICT (name) DO UPDATE SET versioning = excluded.versioning RETURNING id',
        )
        .get(params.name, this.#options.clock().getTime(), versioned ? 'Enabled' : null) as {
        id: number;
      };
      this.#buckets.set(params.name, { id: row.id, versioned });
    }
    return { location: `/${params.name}` };
  }

  /**
   * PutObject: streams the body to a temporary file while hashing it, renames it into place,
   * then indexes it and emits "Object Created" in one transaction.
   *
   * In a versioned bucket the put is a new version, with a new version id, and the version it
   * replaces stays readable by its own.
   *
   * @throws {ResourceNotFoundError} (`NoSuchBucket`) when the bucket does not exist.
   */
  async put(params: PutObjectParams): Promise<PutObjectResult> {
    const bucket = this.#require(params.bucket);
    assertKey(params.key);
    const hash = createHash('md5');
    let size = 0;
    const id = randomUUID();
    const temp = join(this.#options.dir, `${id}${TEMP_SUFFIX}`);
    const file = join(this.#options.dir, id);
    try {
      await pipeline(
        toReadable(params.body),
        async function* measure(chunks: AsyncIterable<Buffer | string>) {
          for await (const chunk of chunks) {
            const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
            hash.update(bytes);
            size += bytes.length;
            yield bytes;
          }
        },
        createWriteStream(temp),
      );
      renameSync(temp, file);
    } catch (error) {
      rmSync(temp, { force: true });
      throw error;
    }
    const etag = hash.digest('hex');
    const lastModified = this.#options.clock().getTime();
    const versionId = bucket.versioned ? newVersionId() : null;
    const row: ObjectRow = {
      key: params.key,
      file: id,
      size,
      etag,
      last_modified: lastModified,
      version_id: versionId,
    };
    let replaced: string | null;
    try {
      replaced = this.#commitPut(bucket, row, this.#objectCreated(params, row));
    } catch (error) {
      rmSync(file, { force: true });
      throw error;
    }
    if (replaced) rmSync(join(this.#options.dir, replaced), { force: true });
    return versionId === null ? { etag } : { etag, versionId };
  }

  /**
   * GetObject: the body of the current version, or of the version named, as a stream. The file
   * is opened now, so a later overwrite of the key does not change what this stream reads.
   *
   * @throws {NoSuchKeyError} when the key does not exist.
   * @throws {NoSuchVersionError} when the key has no version of that id.
   */
  get(params: GetObjectParams): Readable {
    const row = this.#version(params);
    const fd = openSync(join(this.#options.dir, row.file), 'r');
    if (params.range === undefined) return createReadStream('', { fd });
    const { start, end } = parseRange(params.range, row.size);
    return createReadStream('', { fd, start, end });
  }

  /**
   * The file holding the body of the current version, or of the version named: where an
   * object is on disk.
   *
   * @throws {NoSuchKeyError} when the key does not exist.
   * @throws {NoSuchVersionError} when the key has no version of that id.
   */
  pathOf(params: Omit<GetObjectParams, 'range'>): string {
    return join(this.#options.dir, this.#version(params).file);
  }

  /**
   * HeadObject: the size and ETag of the current version, or of the version named.
   *
   * @throws {NoSuchKeyError} when the key does not exist.
   * @throws {NoSuchVersionError} when the key has no version of that id.
   */
  head(params: Omit<GetObjectParams, 'range'>): ObjectHead {
    const row = this.#version(params);
    return {
      size: row.size,
      etag: row.etag,
      lastModified: new Date(row.last_modified),
      ...(this.#require(params.bucket).versioned
        ? { versionId: row.version_id ?? NULL_VERSION }
        : {}),
    };
  }

  /** The row of the version asked for (the current one when none is named). */
  #version(params: Omit<GetObjectParams, 'range'>): ObjectRow {
    const { id } = this.#require(params.bucket);
    const current = this.#selectObject.get(id, params.key);
    const { versionId } = params;
    let row = current;
    if (versionId !== undefined) {
      row = this.#selectVersion.get(id, params.key, versionId);
      if (!row && versionId === NULL_VERSION && current?.version_id === null) row = current;
      if (!row) throw new NoSuchVersionError(params.bucket, params.key, versionId);
    }
    if (!row) throw new NoSuchKeyError(params.bucket, params.key);
    return row;
  }

  /** ListObjectsV2: keys in UTF-8 byte order, optionally under a prefix. */
  list(params: { readonly bucket: string; readonly prefix?: string }): ObjectSummary[] {
    const bucketId = this.#require(params.bucket).id;
    const prefix = params.prefix ?? '';
    const rows = this.#options.db
      .prepare('SELECT * FROM rt_objects WHERE bucket_id = ? AND key >= ? ORDER BY key')
      .iterate(bucketId, prefix) as IterableIterator<ObjectRow>;
    const summaries: ObjectSummary[] = [];
    for (const row of rows) {
      if (!row.key.startsWith(prefix)) break;
      summaries.push({
        key: row.key,
        size: row.size,
        etag: row.etag,
        lastModified: new Date(row.last_modified),
      });
    }
    return summaries;
  }

  #require(name: string): BucketRow {
    const bucket = this.#buckets.get(name);
    if (bucket === undefined) throw new ResourceNotFoundError('Bucket', name, 'NoSuchBucket');
    return bucket;
  }

  /**
   * The event S3 sends to EventBridge for a PutObject, field for field: the key form-encoded
   * as S3 writes it (see encodeEventKey), the version id when the bucket is versioned.
   */
  #objectCreated(params: PutObjectParams, row: ObjectRow): EnvelopedEvent {
    const { accountId, arns, db } = this.#options;
    const sequencer = nextCounter(db, 's3_sequencer').toString(16).toUpperCase().padStart(18, '0');
    const { size, etag, version_id: versionId } = row;
    const detail = {
      version: '0',
      'event-version': EVENT_VERSION,
      bucket: { name: params.bucket },
      object: {
        key: encodeEventKey(params.key),
        size,
        etag,
        ...(versionId === null ? {} : { 'version-id': versionId }),
        sequencer,
      },
      'request-id': randomBytes(8).toString('hex').toUpperCase(),
      requester: accountId,
      'source-ip-address': '127.0.0.1',
      reason: 'PutObject',
    };
    const event = envelope(
      {
        Source: 'aws.s3',
        DetailType: 'Object Created',
        Detail: JSON.stringify(detail),
        Resources: [arns.bucket(params.bucket)],
        EventBusName: DEFAULT_BUS,
      },
      this.#options,
    );
    if ('ErrorCode' in event)
      throw new InconsistentStateError(`Object Created event refused: ${event.ErrorMessage}`);
    return event;
  }
}

function assertKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0 || Buffer.byteLength(key) > MAX_KEY_BYTES) {
    throw new ValidationError(`Object key must be 1 to ${MAX_KEY_BYTES} bytes of UTF-8`);
  }
}

/**
 * A `Range` header's bytes, as S3 reads a single range: `bytes=FIRST-LAST` (inclusive; LAST
 * past the end means to the end) or `bytes=FIRST-`. S3 answers 416 InvalidRange when FIRST
 * is past the end.
 */
function parseRange(range: string, size: number): { start: number; end: number } {
  const match = /^bytes=(\d+)-(\d*)$/.exec(range);
  const start = Number(match?.[1]);
  const last = match?.[2] === '' ? size - 1 : Number(match?.[2]);
  if (!match) throw new ValidationError(`Range "${range}" is not bytes=FIRST-LAST`);
  if (start >= size) {
    throw new InvalidRangeError(`Range "${range}" starts past the object's ${size} bytes`);
  }
  if (last < start) throw new ValidationError(`Range "${range}" is not bytes=FIRST-LAST`);
  return { start, end: Math.min(last, size - 1) };
}

function toReadable(body: ObjectBody): Readable {
  if (typeof body === 'string') return Readable.from([Buffer.from(body)]);
  if (body instanceof Uint8Array) return Readable.from([body]);
  if (body instanceof Readable) return body;
  return Readable.from(body as AsyncIterable<Uint8Array>);
}

export type {
  GetObjectParams,
  ObjectBody,
  ObjectHead,
  ObjectSummary,
  PutObjectParams,
  PutObjectResult,
};
export { Buckets };
