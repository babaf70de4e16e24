import { basename, extname } from 'node:path';

/** Where the CLI puts uploaded files in the local bucket. */
const UPLOADS_PREFIX = 'incoming/';

/**
 * The bucket key for an uploaded file: `incoming/<file name>`, or, when that key is taken
 * (a file of the same name uploaded earlier, in this command or an earlier one),
 * `incoming/<name>-2<ext>`, `-3`, … the first one free. Every upload is its own object, so
 * its summary and rejects report (under `reports/<key>`) are never overwritten by another's.
 *
 * @example uploadKeyFor('b/x.txt', (key) => key === 'incoming/x.txt') // 'incoming/x-2.txt'
 */
function uploadKeyFor(path: string, taken: (key: string) => boolean): string {
  const name = basename(path);
  const first = `${UPLOADS_PREFIX}${name}`;
  if (!taken(first)) return first;
  const ext = extname(name);
  const stem = name.slice(0, name.length - ext.length);
  for (let n = 2; ; n += 1) {
    const key = `${UPLOADS_PREFIX}${stem}-${n}${ext}`;
    if (!taken(key)) return key;
  }
}

export { UPLOADS_PREFIX, uploadKeyFor };
