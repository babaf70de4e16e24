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
  NoSuchKeyError,
  ResourceNotFoundError,
  ValidationError,
} from '../errors.ts';
import { assertName } from '../names.ts';
import { nextCounter } from '../state/database.ts';

/** An object body: text, bytes, or a stream (streamed to disk, never held whole in memory). */
type ObjectBody = string | Uint8Array | NodeJS.ReadableStream | AsyncIterable<Uint8Array>;

interface PutObjectParams {
  readonly bucket: string;
  readonly key: string;
  readonly body: ObjectBody;
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

/**
 * The local bucket ("S3"): bodies are files under the state folder, the key index is in
 * SQLite, and every put sends the "Object Created" event S3 sends to EventBridge, to the
 * default bus, in the same transaction as the index update.
 *
 * @example await buckets.put({ bucket: 'uploads', key: 'in/a.txt', body: createReadStream(path) });
 */
class Buckets {
  readonly #options: BucketsOptions;
  readonly #ids = new Map<string, number>();
  readonly #selectObject: Statement<[number, string], ObjectRow>;
  readonly #commitPut: (bucketId: number, row: ObjectRow, event: EnvelopedEvent) => string | null;

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
    for (const row of db.prepare('SELECT id, name FROM rt_buckets').all() as {
      id: number;
      name: string;
    }[]) {
      this.#ids.set(row.name, row.id);
    }
    this.#selectObject = db.prepare('SELECT * FROM rt_objects WHERE bucket_id = ? AND key = ?');
    const upsert = db.prepare(
      'INSERT INTO rt_objects (bucket_id, key, file, size, etag, last_modified) VALUES (?, ?, ?, ?, ?, ?) ' +
        'ON CONFLICT (bucket_id, key) DO UPDATE SET file = excluded.file, size = excluded.size, ' +
        'etag = excluded.etag, last_modified = excluded.last_modified',
    );
    this.#commitPut = db.transaction((bucketId: number, row: ObjectRow, event: EnvelopedEvent) => {
      const previous = this.#selectObject.get(bucketId, row.key);
      upsert.run(bucketId, row.key, row.file, row.size, row.etag, row.last_modified);
      options.ingest.store([event]);
      return previous?.file ?? null;
    });
  }

  /** Creates the bucket unless it exists (idempotent). */
  create(params: { readonly name: string }): { location: string } {
    assertName('bucket', params.name);
    if (!this.#ids.has(params.name)) {
      const row = this.#options.db
        .prepare(
          'INSERT INTO rt_buckets (name, created_at) VALUES (?, ?) ' +
            'ON CONFLICT (name) DO UPDATE SET name = name RETURNING id',
        )
        .get(params.name, this.#options.clock().getTime()) as { id: number };
      this.#ids.set(params.name, row.id);
    }
    return { location: `/${params.name}` };
  }

  /**
   * PutObject: streams the body to a temporary file while hashing it, renames it into place,
   * then indexes it and emits "Object Created" in one transaction.
   *
   * @throws {ResourceNotFoundError} (`NoSuchBucket`) when the bucket does not exist.
   */
  async put(params: PutObjectParams): Promise<{ etag: string }> {
    const bucketId = this.#require(params.bucket);
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
    const row: ObjectRow = { key: params.key, file: id, size, etag, last_modified: lastModified };
    let replaced: string | null;
    try {
      replaced = this.#commitPut(bucketId, row, this.#objectCreated(params, size, etag));
    } catch (error) {
      rmSync(file, { force: true });
      throw error;
    }
    if (replaced) rmSync(join(this.#options.dir, replaced), { force: true });
    return { etag };
  }

  /**
   * GetObject: the body as a stream. The file is opened now, so a later overwrite of the key
   * does not change what this stream reads.
   *
   * @throws {NoSuchKeyError} when the key does not exist.
   */
  get(params: { readonly bucket: string; readonly key: string }): Readable {
    const bucketId = this.#require(params.bucket);
    const row = this.#selectObject.get(bucketId, params.key);
    if (!row) throw new NoSuchKeyError(params.bucket, params.key);
    const fd = openSync(join(this.#options.dir, row.file), 'r');
    return createReadStream('', { fd });
  }

  /** ListObjectsV2: keys in UTF-8 byte order, optionally under a prefix. */
  list(params: { readonly bucket: string; readonly prefix?: string }): ObjectSummary[] {
    const bucketId = this.#require(params.bucket);
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

  #require(name: string): number {
    const id = this.#ids.get(name);
    if (id === undefined) throw new ResourceNotFoundError('Bucket', name, 'NoSuchBucket');
    return id;
  }

  /** The event S3 sends to EventBridge for a PutObject, field for field. */
  #objectCreated(params: PutObjectParams, size: number, etag: string): EnvelopedEvent {
    const { accountId, arns, db } = this.#options;
    const sequencer = nextCounter(db, 's3_sequencer').toString(16).toUpperCase().padStart(18, '0');
    const detail = {
      version: '0',
      bucket: { name: params.bucket },
      object: { key: params.key, size, etag, sequencer },
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

function toReadable(body: ObjectBody): Readable {
  if (typeof body === 'string') return Readable.from([Buffer.from(body)]);
  if (body instanceof Uint8Array) return Readable.from([body]);
  if (body instanceof Readable) return body;
  return Readable.from(body as AsyncIterable<Uint8Array>);
}

export type { ObjectBody, ObjectSummary, PutObjectParams };
export { Buckets };
