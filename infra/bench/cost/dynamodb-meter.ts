import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { itemBytes, valueBytes, writeUnitsFor } from './item-size.ts';

/** What the calls of one operation on one table consumed. */
interface DynamoDbUsage {
  readonly table: string;
  readonly operation: string;
  /** Calls that touched the table (a BatchGetItem over two tables counts for each). */
  calls: number;
  /** Calls that failed (a failed condition, a canceled transaction). */
  failedCalls: number;
  readUnits: number;
  writeUnits: number;
  /**
   * Units the report added or computed itself where DynamoDB Local does not report what AWS
   * bills (included in readUnits/writeUnits): keys a BatchGetItem did not find, the items of
   * a TransactWriteItems, writes whose condition failed.
   */
  computedUnits: number;
}

type Input = Record<string, unknown>;
type Output = Record<string, unknown>;
interface Capacity {
  readonly TableName?: string;
  readonly CapacityUnits?: number;
}
interface KeysAndAttributes {
  readonly Keys?: readonly unknown[];
  readonly ConsistentRead?: boolean;
}
interface TransactItem {
  readonly Put?: { TableName?: string; Item?: Input };
  readonly Update?: { TableName?: string; Key?: Input; ExpressionAttributeValues?: Input };
  readonly Delete?: { TableName?: string; Key?: Input };
  readonly ConditionCheck?: { TableName?: string; Key?: Input };
}

const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan', 'TransactGetItems']);

/**
 * Counts every DynamoDB call a client makes and the capacity units it consumed: asks for
 * `ReturnConsumedCapacity: 'TOTAL'` on every request and adds up what comes back, per table
 * and operation. Where DynamoDB Local reports less than AWS bills, the meter computes the
 * units by AWS's rules (counted in `computedUnits`):
 * - a BatchGetItem key that finds no item: Local charges nothing, AWS the minimum read
 *   (1 unit strongly consistent, 0.5 eventually) - "If you perform a read operation on an
 *   item that doesn't exist, DynamoDB will still consume read throughput";
 * - TransactWriteItems: Local reports each table with a figure that is not the table's
 *   share, so the meter takes 2 units per KB of each item it sends (an update's item is
 *   sized by its key and the values it sets: a lower bound);
 * - a write whose condition fails: AWS still consumes write units, Local reports none; the
 *   meter takes the size of what was sent (at least 1 unit).
 *
 * @example const meter = new DynamoDbMeter((physical) => physical.split('-')[0]); meter.attach(client);
 */
class DynamoDbMeter {
  readonly #usage = new Map<string, DynamoDbUsage>();
  readonly #logicalName: (physicalTable: string) => string;

  constructor(logicalName: (physicalTable: string) => string) {
    this.#logicalName = logicalName;
  }

  /** Adds the metering middleware to a client (and to document clients made from it). */
  attach(client: DynamoDBClient): void {
    client.middlewareStack.add(
      (next, context) => async (args) => {
        const operation = String(context.commandName ?? 'Unknown').replace(/Command$/, '');
        const input = args.input as Input;
        input.ReturnConsumedCapacity = 'TOTAL';
        try {
          const result = await next(args);
          this.recordSuccess(operation, input, result.output as unknown as Output);
          return result;
        } catch (error) {
          this.recordFailure(operation, input, error);
          throw error;
        }
      },
      { step: 'initialize', name: 'txnflowCostMeter' },
    );
  }

  /** What was counted so far, one line per table and operation. */
  usage(): DynamoDbUsage[] {
    return [...this.#usage.values()].map((u) => ({ ...u }));
  }

  #line(physicalTable: string, operation: string): DynamoDbUsage {
    const table = this.#logicalName(physicalTable);
    const key = `${table}\u0000${operation}`;
    let line = this.#usage.get(key);
    if (!line) {
      line = {
        table,
        operation,
        calls: 0,
        failedCalls: 0,
        readUnits: 0,
        writeUnits: 0,
        computedUnits: 0,
      };
      this.#usage.set(key, line);
    }
    return line;
  }

  #add(line: DynamoDbUsage, units: number, computed: boolean): void {
    if (READS.has(line.operation)) line.readUnits += units;
    else line.writeUnits += units;
    if (computed) line.computedUnits += units;
  }

  /** Counts a call that succeeded, from its input and output (what the middleware sees). */
  recordSuccess(operation: string, input: Input, output: Output): void {
    if (operation === 'TransactWriteItems') {
      this.#recordTransaction(input, false);
      return;
    }
    const reported = ([] as Capacity[]).concat((output.ConsumedCapacity as Capacity) ?? []);
    const tables = new Set(reported.map((c) => c.TableName ?? 'unknown'));
    for (const c of reported) {
      this.#add(this.#line(c.TableName ?? 'unknown', operation), c.CapacityUnits ?? 0, false);
    }
    if (operation === 'BatchGetItem') this.#addMissedKeys(input, output, tables);
    for (const table of tables) this.#line(table, operation).calls += 1;
  }

  /** BatchGetItem: the minimum read for each key that found no item (and was processed). */
  #addMissedKeys(input: Input, output: Output, tables: Set<string>): void {
    const requested = (input.RequestItems ?? {}) as Record<string, KeysAndAttributes>;
    const responses = (output.Responses ?? {}) as Record<string, readonly unknown[]>;
    const unprocessed = (output.UnprocessedKeys ?? {}) as Record<string, KeysAndAttributes>;
    for (const [table, request] of Object.entries(requested)) {
      const missed =
        (request.Keys?.length ?? 0) -
        (responses[table]?.length ?? 0) -
        (unprocessed[table]?.Keys?.length ?? 0);
      tables.add(table);
      if (missed > 0) {
        this.#add(
          this.#line(table, 'BatchGetItem'),
          missed * (request.ConsistentRead ? 1 : 0.5),
          true,
        );
      }
    }
  }

  #recordTransaction(input: Input, failed: boolean): void {
    const items = (input.TransactItems ?? []) as readonly TransactItem[];
    const tables = new Set<string>();
    for (const item of items) {
      const write = item.Put ?? item.Update ?? item.Delete ?? item.ConditionCheck ?? {};
      const table = write.TableName ?? 'unknown';
      tables.add(table);
      if (failed) continue;
      const bytes = item.Put
        ? itemBytes(item.Put.Item ?? {})
        : itemBytes(('Key' in write ? write.Key : undefined) ?? {}) +
          Object.values(item.Update?.ExpressionAttributeValues ?? {}).reduce<number>(
            (sum, value) => sum + valueBytes(value),
            0,
          );
      this.#add(this.#line(table, 'TransactWriteItems'), 2 * writeUnitsFor(bytes), true);
    }
    for (const table of tables) {
      const line = this.#line(table, 'TransactWriteItems');
      line.calls += 1;
      if (failed) line.failedCalls += 1;
    }
  }

  /** Counts a call that failed with `error`. */
  recordFailure(operation: string, input: Input, error: unknown): void {
    if (operation === 'TransactWriteItems') {
      this.#recordTransaction(input, true);
      return;
    }
    const line = this.#line(String(input.TableName ?? 'unknown'), operation);
    line.calls += 1;
    line.failedCalls += 1;
    const name = error instanceof Error ? error.name : '';
    if (name !== 'ConditionalCheckFailedException') return;
    const sent = (input.Item ?? {
      ...(input.Key as Input),
      ...(input.ExpressionAttributeValues as Input),
    }) as Input;
    this.#add(line, writeUnitsFor(itemBytes(sent)), true);
  }
}

export type { DynamoDbUsage };
export { DynamoDbMeter };
