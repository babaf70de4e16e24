import { HttpProblem } from '@txnflow/contracts/http';

/** An upload's file name: a plain name, so the key cannot leave its prefix. */
const FILE_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * The checked file name of an upload.
 *
 * @example checkFileName('transactions.txt') // 'transactions.txt'
 * @throws {HttpProblem} 400 `invalid-file-name` for a path, `..`, or anything but a plain name.
 */
function checkFileName(name: string): string {
  if (!FILE_NAME.test(name) || name.includes('..')) {
    throw new HttpProblem(
      400,
      'invalid-file-name',
      `file name "${name.slice(0, 80)}" is not a plain file name (letters, digits, . _ -; at most 128; no "..", no "/")`,
      { extensions: { parameter: 'name' } },
    );
  }
  return name;
}

/** The refusal of a body past the upload limit. */
const tooLarge = (maxBytes: number) =>
  new HttpProblem(413, 'upload-too-large', `the upload is larger than ${maxBytes} bytes`, {
    extensions: { maxBytes },
  });

/**
 * The request body as a stream of chunks that fails with 413 as soon as it passes `maxBytes`
 * (a declared Content-Length past it is refused before a byte is read), and with 400 when
 * it turns out empty. A failed stream leaves no object behind: the bucket keeps a put only
 * once its body has been read to the end.
 *
 * @example await uploads.put(key, limitedBody(c.req.raw, 10_000_000));
 */
function limitedBody(request: Request, maxBytes: number): AsyncIterable<Uint8Array> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge(maxBytes);
  const body = request.body;
  if (!body) throw new HttpProblem(400, 'empty-upload', 'the upload has no body');
  return (async function* () {
    let bytes = 0;
    const reader = body.getReader();
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        bytes += read.value.byteLength;
        if (bytes > maxBytes) throw tooLarge(maxBytes);
        yield read.value;
      }
    } finally {
      reader.releaseLock();
    }
    if (bytes === 0) throw new HttpProblem(400, 'empty-upload', 'the upload is empty');
  })();
}

export { checkFileName, FILE_NAME, limitedBody };
