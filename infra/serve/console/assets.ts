import { readFileSync } from 'node:fs';

/** The console's files, read once when the server starts. */
const read = (name: string): string => readFileSync(new URL(name, import.meta.url), 'utf8');

const template = read('./index.html');
const consoleScript = read('./console.js');
const consoleStyles = read('./console.css');

const escapeAttribute = (value: string): string =>
  value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/**
 * The console page, carrying this run's token (for its state-changing requests) and the
 * upload limit.
 *
 * @example c.html(consolePage(token, 64 * 1024 * 1024));
 */
function consolePage(token: string, maxUploadBytes: number): string {
  return template
    .replace('{{TOKEN}}', escapeAttribute(token))
    .replace('{{MAX_UPLOAD_BYTES}}', String(maxUploadBytes));
}

export { consolePage, consoleScript, consoleStyles };
