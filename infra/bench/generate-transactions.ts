import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { seededRandom } from '../local/faults.ts';

interface GenerateOptions {
  readonly rows: number;
  readonly customers: number;
  /** Same seed, same file. @default 1 */
  readonly seed?: number;
}

interface GeneratedFile {
  readonly rows: number;
  readonly customers: number;
  /** Customers whose balance ends at or above 1500.00: each crosses exactly once. */
  readonly crossingCustomers: number;
  readonly refunds: number;
}

const money = (cents: number): string =>
  `${cents < 0 ? '-' : ''}${Math.trunc(Math.abs(cents) / 100)}.${String(Math.abs(cents) % 100).padStart(2, '0')}`;

/**
 * Writes a pipe-delimited transactions file of `rows` rows over `customers` customers.
 *
 * Half the customers ("savers") only ever add money and end well above 1500.00, so each
 * crosses the threshold exactly once whatever order the ledger applies their transactions
 * in; the others ("spenders") mix purchases and refunds and, even counting only their
 * purchases, stay below it. With at-least-once, unordered delivery the number of crossings
 * of a customer whose balance goes up and down depends on the order; these files make the
 * expected outcome order-independent, so fault drills can compare runs exactly.
 *
 * @example await generateTransactionsFile('/tmp/t.txt', { rows: 10_000, customers: 100 });
 */
async function generateTransactionsFile(
  path: string,
  options: GenerateOptions,
): Promise<GeneratedFile> {
  const random = seededRandom(options.seed ?? 1);
  const out = createWriteStream(path);
  const fewestRows = Math.max(1, Math.floor(options.rows / options.customers));
  const mostRows = Math.ceil(options.rows / options.customers);
  // Spenders' purchases, all together, must stay below the threshold: cap each one.
  const spenderCap = Math.max(1, Math.floor(149_999 / mostRows));
  const saverFloor = Math.ceil(160_000 / fewestRows);
  let refunds = 0;
  let buffer = 'customer_id|customer_address|trn_id|trn_date|trn_amount\n';
  for (let i = 0; i < options.rows; i += 1) {
    const customer = i % options.customers;
    const saver = customer % 2 === 0;
    let cents: number;
    if (saver) {
      cents = saverFloor + Math.floor(random() * 5_000);
    } else if (random() < 0.15) {
      cents = -(1 + Math.floor(random() * spenderCap));
      refunds += 1;
    } else {
      cents = 1 + Math.floor(random() * spenderCap);
    }
    const day = 1 + (i % 28);
    buffer += `C${customer}|${customer} Market Street, Springfield|T${i}|2023-03-${String(day).padStart(2, '0')}|${money(cents)}\n`;
    if (buffer.length > 65_536) {
      if (!out.write(buffer)) await once(out, 'drain');
      buffer = '';
    }
  }
  out.end(buffer);
  await once(out, 'finish');
  const crossingCustomers = Math.ceil(Math.min(options.customers, options.rows) / 2);
  return { rows: options.rows, customers: options.customers, crossingCustomers, refunds };
}

export type { GeneratedFile, GenerateOptions };
export { generateTransactionsFile };
