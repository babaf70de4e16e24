import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** An email as the outbox writes it. */
interface OutgoingEmail {
  readonly to: string;
  readonly subject: string;
  readonly body: string;
  /** The SNS message id; also the Message-ID's local part. */
  readonly messageId: string;
  readonly date: Date;
}

/** One email in the outbox, as a listing shows it (a type, so it reads as a table row). */
type OutboxEntry = {
  /** Absolute path of the `.eml` file. */
  readonly file: string;
  readonly to: string;
  readonly subject: string;
  /** ISO 8601. */
  readonly date: string;
  readonly messageId: string;
  /** The whole `.eml` text, when asked for with `{ raw: true }`. */
  readonly raw?: string;
};

/** An `.eml` file read back: its headers (names lower-cased, values decoded) and body. */
interface ParsedEmail {
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** What SNS email notifications say they are from. */
const FROM = 'AWS Notifications <no-reply@sns.amazonaws.com>';
const CRLF = '\r\n';
/** RFC 5322's hard limit on a line, CRLF excluded. */
const MAX_LINE_BYTES = 998;

/**
 * The email outbox: each message an RFC 5322 `.eml` file in one folder, named so that a
 * directory listing is in sending order. Stands in for SNS email subscriptions.
 *
 * @example new EmailOutbox(join(stateDir, 'outbox'), 'local-1').write(email)
 */
class EmailOutbox {
  readonly #dir: string;
  readonly #domain: string;
  #dirReady = false;

  constructor(dir: string, region: string) {
    this.#dir = dir;
    this.#domain = `sns.${region}.amazonaws.com`;
  }

  /** The email's file in the outbox and its text, without writing it. */
  render(email: OutgoingEmail): { readonly file: string; readonly text: string } {
    const stamp = email.date.toISOString().replace(/[-:.]/g, '');
    const file = join(this.#dir, `${stamp}-${email.messageId}.eml`);
    return { file, text: renderEmail(email, this.#domain) };
  }

  /** Writes the email; answers the file's path. */
  write(email: OutgoingEmail): string {
    const { file, text } = this.render(email);
    // The folder is made once: a recursive mkdir per email costs more than the write.
    if (!this.#dirReady) {
      mkdirSync(this.#dir, { recursive: true });
      this.#dirReady = true;
    }
    try {
      writeFileSync(file, text);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      mkdirSync(this.#dir, { recursive: true });
      writeFileSync(file, text);
    }
    return file;
  }

  /** Every email in the outbox, oldest first; with `raw`, each file's text too. */
  list(options: { readonly raw?: boolean } = {}): OutboxEntry[] {
    let names: string[];
    try {
      names = readdirSync(this.#dir).filter((name) => name.endsWith('.eml'));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    return names.sort().map((name) => {
      const file = join(this.#dir, name);
      const text = readFileSync(file, 'utf8');
      const { headers } = parseEmail(text);
      return {
        file,
        to: headers.to ?? '',
        subject: headers.subject ?? '',
        date: new Date(headers.date ?? 0).toISOString(),
        messageId: headers['message-id'] ?? '',
        ...(options.raw ? { raw: text } : {}),
      };
    });
  }
}

/**
 * Renders an RFC 5322 message: plain text, UTF-8; a non-ASCII subject as an RFC 2047 encoded
 * word; the body 8bit, or base64 when a line would pass RFC 5322's 998-byte limit.
 *
 * @example renderEmail({ to: 'a@b.c', subject: 'Hi', body: 'Hello', messageId, date }, 'sns.local')
 */
function renderEmail(email: OutgoingEmail, domain: string): string {
  const lines = email.body.split(/\r?\n/);
  const tooLong = lines.some((line) => Buffer.byteLength(line) > MAX_LINE_BYTES);
  const body = tooLong
    ? (
        Buffer.from(lines.join(CRLF))
          .toString('base64')
          .match(/.{1,76}/g) ?? []
      ).join(CRLF)
    : lines.join(CRLF);
  const headers = [
    `From: ${FROM}`,
    `To: ${email.to}`,
    `Subject: ${encodeHeader(email.subject)}`,
    `Date: ${email.date.toUTCString().replace('GMT', '+0000')}`,
    `Message-ID: <${email.messageId}@${domain}>`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=UTF-8',
    `Content-Transfer-Encoding: ${tooLong ? 'base64' : '8bit'}`,
  ];
  return `${headers.join(CRLF)}${CRLF}${CRLF}${body}${CRLF}`;
}

/** Header values are ASCII; anything else goes as a base64 encoded word. */
function encodeHeader(value: string): string {
  if (/^[\x20-\x7e]*$/.test(value)) return value;
  return `=?UTF-8?B?${Buffer.from(value).toString('base64')}?=`;
}

function decodeHeader(value: string): string {
  return value.replace(/=\?UTF-8\?B\?([A-Za-z0-9+/=]*)\?=/gi, (_, encoded: string) =>
    Buffer.from(encoded, 'base64').toString('utf8'),
  );
}

/**
 * Reads an `.eml` file's text back: unfolded, decoded headers and the decoded body.
 *
 * @example parseEmail(readFileSync(file, 'utf8')).headers.subject
 */
function parseEmail(text: string): ParsedEmail {
  const split = text.indexOf(`${CRLF}${CRLF}`);
  const head = split === -1 ? text : text.slice(0, split);
  const rawBody = split === -1 ? '' : text.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.replace(/\r\n[ \t]+/g, ' ').split(CRLF)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    headers[line.slice(0, colon).trim().toLowerCase()] = decodeHeader(line.slice(colon + 1).trim());
  }
  const withoutFinal = rawBody.endsWith(CRLF) ? rawBody.slice(0, -2) : rawBody;
  const body =
    headers['content-transfer-encoding']?.toLowerCase() === 'base64'
      ? Buffer.from(withoutFinal.replace(/\r\n/g, ''), 'base64').toString('utf8')
      : withoutFinal;
  return { headers, body: body.replace(/\r\n/g, '\n') };
}

export type { OutboxEntry, OutgoingEmail, ParsedEmail };
export { EmailOutbox, parseEmail, renderEmail };
