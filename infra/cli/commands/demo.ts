import { readdir, rm } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DATABASE_FILE, DriverLock, HOLDER_FILE, LOCK_FILE } from '../../local/index.ts';
import {
  type CliArgs,
  type CliIo,
  commandLineOf,
  DEFAULT_STATE_DIR,
  DEMO_STATE_DIR,
  UsageError,
  waitPolicyFor,
  withTxnflow,
} from '../cli-context.ts';
import { renderTable } from '../render/table.ts';
import { runIngest } from './ingest.ts';

const SAMPLE = fileURLToPath(new URL('../../../sample-data/transactions.txt', import.meta.url));

/** The lock files stay: a process waiting for the folder must go on seeing the same lock. */
const LOCK_FILES = new Set([LOCK_FILE, HOLDER_FILE]);

/** What the folder holds besides its lock files. */
async function contentsOf(stateDir: string): Promise<string[]> {
  const entries = await readdir(stateDir).catch(() => [] as string[]);
  return entries.filter((name) => !LOCK_FILES.has(name));
}

/** Refuses to empty a folder that is not a txnflow state folder. */
async function assertStateFolder(stateDir: string): Promise<void> {
  const entries = await contentsOf(stateDir);
  if (entries.length > 0 && !entries.includes(DATABASE_FILE)) {
    throw new UsageError(`${stateDir} is not a txnflow state folder; the demo will not empty it`);
  }
}

/** Empties the state folder for a fresh demo; the caller holds its driver lock. */
async function clearStateFolder(stateDir: string): Promise<void> {
  for (const name of await contentsOf(stateDir)) {
    await rm(join(stateDir, name), { recursive: true, force: true });
  }
}

const section = (title: string, body: string): string => `\n== ${title}\n${body}\n`;

/** How to look at the demo's state afterwards: every command needs its --state. */
function lookFurther(stateDir: string): string {
  const near = relative(process.cwd(), stateDir);
  const state = near === '' || near.startsWith('..') || isAbsolute(near) ? stateDir : near;
  const commands = [
    'balances',
    'queues',
    'queue CustomerNotify',
    'trace C1/T1008',
    `report ${basename(SAMPLE)}`,
    'events',
  ];
  return [
    '',
    `The demo's state is in ${state}, not in the default ./.txnflow: give every command --state ${state}, e.g.`,
    ...commands.map((c) => `  npx txnflow ${c} --state ${state}`),
    '',
  ].join('\n');
}

/**
 * `txnflow demo` (what `npm start` runs): a fresh state folder, the sample file ingested,
 * and a report of the tables, balances, alerts, both queues and the email. Exits as the
 * ingest did.
 */
async function runDemo(args: CliArgs, io: CliIo): Promise<number> {
  const stateDir = resolve(args.stateDir === DEFAULT_STATE_DIR ? DEMO_STATE_DIR : args.stateDir);
  await assertStateFolder(stateDir);
  // Held from before the folder is emptied until the ingest closes: nobody drives it meanwhile.
  const lock = await DriverLock.acquire(
    stateDir,
    commandLineOf(args),
    waitPolicyFor(args, io, stateDir),
  );
  try {
    await clearStateFolder(stateDir);
  } catch (error) {
    lock.release();
    throw error;
  }
  const demoArgs: CliArgs = {
    ...args,
    command: 'ingest',
    positionals: [SAMPLE],
    json: false,
    stateDir,
  };
  io.out.write(`txnflow demo: ingesting ${SAMPLE}\nstate: ${stateDir}\n\n`);
  let code: number;
  try {
    code = await runIngest(demoArgs, io, { lock });
  } finally {
    lock.release();
  }
  await withTxnflow(
    demoArgs,
    io,
    async (txnflow) => {
      const transactions = await txnflow.transactions();
      const queue = (name: string) =>
        txnflow.queue(name).map((m) => {
          const event = JSON.parse(String(m.body)) as { detail: { data: Record<string, unknown> } };
          const { customerId, balance, threshold } = event.detail.data;
          return { messageId: m.messageId, customerId, balance, threshold };
        });
      const emails = txnflow.outbox({ raw: true });
      io.out.write(
        section('Customer table (ingest)', renderTable(await txnflow.customers())) +
          section(
            `Transactions table (ingest): ${transactions.length} rows`,
            renderTable(transactions),
          ) +
          section(
            'Balances: TransactionTotal table (ledger)',
            renderTable(await txnflow.balances()),
          ) +
          section(
            'Alerts table (alerting)',
            renderTable(await txnflow.alerts(), [
              'customerId',
              'balance',
              'threshold',
              'transactionId',
              'emailed',
            ]),
          ) +
          section('Queue CustomerNotify', renderTable(queue('CustomerNotify'))) +
          section('Queue CreditCollection', renderTable(queue('CreditCollection'))) +
          section(
            `Email outbox: ${emails.length} message(s)`,
            emails.map((e) => `--- ${e.file}\n${e.raw ?? ''}`).join('\n'),
          ) +
          lookFurther(stateDir),
      );
    },
    { readOnly: true },
  );
  return code;
}

export { runDemo };
