// Preloaded with `node --import`: appends the URL of every module Node loads through its ESM
// loader (ESM, and CommonJS a module imports) to the file RECORD_IMPORTS_TO names, one a line.
// The same file is the loader hook, run in the loader's own thread.
import { appendFileSync } from 'node:fs';
import { register } from 'node:module';
import { isMainThread } from 'node:worker_threads';

let file;

export function initialize(data) {
  file = data;
}

export async function load(url, context, nextLoad) {
  if (file) appendFileSync(file, `${url}\n`);
  return nextLoad(url, context);
}

if (isMainThread && process.env.RECORD_IMPORTS_TO) {
  register(import.meta.url, { data: process.env.RECORD_IMPORTS_TO });
}
