import { Readable } from 'node:stream';
import {
  GetObjectCommand,
  type GetObjectCommandOutput,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  ObjectBodyUnreadableError,
  S3ObjectStore,
} from '../../../src/adapters/aws/s3-object-store.ts';

const s3 = mockClient(S3Client);

async function text(stream: AsyncIterable<Uint8Array>): Promise<string> {
  const chunks: Uint8Array[] = [];
  for await (const chunk of stream) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('Class: S3ObjectStore', () => {
  beforeEach(() => {
    s3.reset();
  });

  describe('Method: read', () => {
    it('streams the object body chunk by chunk', async () => {
      const body = Readable.from([Buffer.from('customer_id|'), Buffer.from('customer_address\n')]);
      // In Node.js the SDK hands back the HTTP response stream: a Readable.
      s3.on(GetObjectCommand).resolves({ Body: body as unknown as GetObjectCommandOutput['Body'] });

      const stream = await new S3ObjectStore(new S3Client({})).read('uploads', 'in/t.txt');

      expect(await text(stream)).toBe('customer_id|customer_address\n');
      expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'uploads',
        Key: 'in/t.txt',
      });
    });

    it('asks S3 for the version named, with the key as it is', async () => {
      s3.on(GetObjectCommand).resolves({
        Body: Readable.from([Buffer.from('x')]) as unknown as GetObjectCommandOutput['Body'],
      });

      await new S3ObjectStore(new S3Client({})).read('uploads', 'in/my file+1 é.txt', 'v.1_a');

      expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'uploads',
        Key: 'in/my file+1 é.txt',
        VersionId: 'v.1_a',
      });
    });

    it('asks for a byte range with the Range header, whose last byte is inclusive', async () => {
      s3.on(GetObjectCommand).resolves({
        Body: Readable.from([Buffer.from('x')]) as unknown as GetObjectCommandOutput['Body'],
      });

      await new S3ObjectStore(new S3Client({})).read('uploads', 'in/t.txt', 'v1', {
        start: 100,
        end: 200,
      });

      expect(s3.commandCalls(GetObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'uploads',
        Key: 'in/t.txt',
        VersionId: 'v1',
        Range: 'bytes=100-199',
      });
    });

    it('reads an empty range as no bytes, without asking S3 (it has no Range for none)', async () => {
      const stream = await new S3ObjectStore(new S3Client({})).read('uploads', 'in/t.txt', 'v1', {
        start: 7,
        end: 7,
      });

      expect(await text(stream)).toBe('');
      expect(s3.commandCalls(GetObjectCommand)).toHaveLength(0);
    });

    it('names the object when S3 returns no body', async () => {
      s3.on(GetObjectCommand).resolves({});

      await expect(
        new S3ObjectStore(new S3Client({})).read('uploads', 'in/t.txt'),
      ).rejects.toThrowError(ObjectBodyUnreadableError);
    });

    it('lets S3 errors such as NoSuchKey reach the caller', async () => {
      s3.on(GetObjectCommand).rejects(new Error('NoSuchKey'));

      await expect(new S3ObjectStore(new S3Client({})).read('uploads', 'x')).rejects.toThrowError(
        'NoSuchKey',
      );
    });
  });

  describe('Method: size', () => {
    it("answers HeadObject's ContentLength of the version named", async () => {
      s3.on(HeadObjectCommand).resolves({ ContentLength: 1234 });

      const size = await new S3ObjectStore(new S3Client({})).size('uploads', 'in/t.txt', 'v1');

      expect(size).toBe(1234);
      expect(s3.commandCalls(HeadObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'uploads',
        Key: 'in/t.txt',
        VersionId: 'v1',
      });
    });
  });

  describe('Method: write', () => {
    it('puts the report with its content type', async () => {
      s3.on(PutObjectCommand).resolves({});

      await new S3ObjectStore(new S3Client({})).write(
        'uploads',
        'reports/in/t.txt.rejects.csv',
        'line,reason\n',
        'text/csv',
      );

      expect(s3.commandCalls(PutObjectCommand)[0]?.args[0].input).toEqual({
        Bucket: 'uploads',
        Key: 'reports/in/t.txt.rejects.csv',
        Body: 'line,reason\n',
        ContentType: 'text/csv',
      });
    });
  });
});
