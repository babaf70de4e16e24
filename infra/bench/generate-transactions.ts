import { once } from 'node:events';
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';
import { seededRandom } from '../local/faults.ts';

/**
 * How a customer's rows sit in the file: `round-robin` deals rows out one customer after
 * another, `grouped` puts each customer's rows together, `shuffled` in a seeded random
 * order. A batch of the ledger's queue holds many rows of one customer only when grouped
 * or shuffled over few customers: the path where a chain of entries is written at once.
 */
const ROW_ORDERS = ['round-robin', 'grouped', 'shuffled'] as const;
type RowOrder = (typeof ROW_ORDERS)[number];

interface GenerateOptions {
  readonly rows: number;
  readonly customers: number;
  /** Same seed, same file. @default 1 */
  readonly seed?: number;
  /** @default 'round-robin' */
  readonly order?: RowOrder;
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

/** The customer of each row, in file order; every order gives each customer as many rows. */
function customerOfEachRow(options: GenerateOptions, random: () => number): Int32Array {
  const { rows, customers } = options;
  const assigned = new Int32Array(rows);
  for (let i = 0; i < rows; i += 1) assigned[i] = i % customers;
  if (options.order === 'grouped') assigned.sort();
  if (options.order === 'shuffled') {
    for (let i = rows - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [assigned[i], assigned[j]] = [assigned[j] ?? 0, assigned[i] ?? 0];
    }
  }
  return assigned;
}

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
 * @example await generateTransactionsFile('/tmp/t.txt', { rows: 10_000, customers: 100, order: 'shuffled' });
 */
async function generateTransactionsFile(
  path: string,
  options: GenerateOptions,
): Promise<GeneratedFile> {
  const random = seededRandom(options.seed ?? 1);
  const customerOf = customerOfEachRow(options, random);
  const out = createWriteStream(path);
  const fewestRows = Math.max(1, Math.floor(options.rows / options.customers));
  const mostRows = Math.ceil(options.rows / options.customers);
  // Spenders' purchases, all together, must stay below the threshold: cap each one.
  const spenderCap = Math.max(1, Math.floor(149_999 / mostRows));
  const saverFloor = Math.ceil(160_000 / fewestRows);
  let refunds = 0;
  let buffer = 'customer_id|customer_address|trn_id|trn_date|trn_amount\n';
  for (let i = 0; i < options.rows; i += 1) {
    const customer = customerOf[i] ?? 0;
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

/** Reads and checks `--order`: one of {@link ROW_ORDERS}. */
function parseRowOrder(text: string): RowOrder {
  const order = ROW_ORDERS.find((known) => known === text);
  if (!order) throw new Error(`--order must be one of ${ROW_ORDERS.join(', ')}, got "${text}"`);
  return order;
}

// `tsx infra/bench/generate-transactions.ts OUT --rows N --customers N [--order O] [--seed N]`
if (import.meta.url === `file://${process.argv[1]}`) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      rows: { type: 'string', default: '10000' },
      customers: { type: 'string', default: '100' },
      order: { type: 'string', default: 'round-robin' },
      seed: { type: 'string', default: '1' },
    },
  });
  const [out] = positionals;
  if (!out)
    throw new Error(
      'usage: generate-transactions.ts OUT [--rows N] [--customers N] [--order O] [--seed N]',
    );
  const generated = await generateTransactionsFile(out, {
    rows: Number(values.rows),
    customers: Number(values.customers),
    seed: Number(values.seed),
    order: parseRowOrder(values.order ?? ''),
  });
  console.log(JSON.stringify({ file: out, order: values.order, ...generated }));
}

export type { GeneratedFile, GenerateOptions, RowOrder };
export { generateTransactionsFile, parseRowOrder, ROW_ORDERS };
