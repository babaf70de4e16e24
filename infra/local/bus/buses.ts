import type { Database, Statement } from 'better-sqlite3';
import type { Arns } from '../arns.ts';
import { ResourceNotFoundError } from '../errors.ts';
import { assertName } from '../names.ts';

/** The bus every account has, where AWS services (and the local bucket) send their events. */
const DEFAULT_BUS = 'default';

/**
 * The event buses, cached by name and id: every PutEvents looks its bus up.
 *
 * @example const buses = new EventBuses(db, arns, clock); buses.create('txnflow');
 */
class EventBuses {
  readonly #arns: Arns;
  readonly #clock: () => Date;
  readonly #insert: Statement<[string, number]>;
  readonly #select: Statement<[string], { id: number }>;
  readonly #idByName = new Map<string, number>();
  readonly #nameById = new Map<number, string>();

  constructor(db: Database, arns: Arns, clock: () => Date) {
    this.#arns = arns;
    this.#clock = clock;
    this.#insert = db.prepare(
      'INSERT INTO rt_buses (name, created_at) VALUES (?, ?) ON CONFLICT (name) DO NOTHING',
    );
    this.#select = db.prepare('SELECT id FROM rt_buses WHERE name = ?');
    const all = db.prepare('SELECT id, name FROM rt_buses').all() as { id: number; name: string }[];
    for (const { id, name } of all) this.#remember(id, name);
    this.create(DEFAULT_BUS);
  }

  /** Creates the bus unless it exists; answers its ARN either way. */
  create(name: string): { eventBusArn: string } {
    assertName('event bus', name);
    if (!this.#idByName.has(name)) {
      this.#insert.run(name, this.#clock().getTime());
      const row = this.#select.get(name);
      if (row) this.#remember(row.id, name);
    }
    return { eventBusArn: this.#arns.eventBus(name) };
  }

  /** The bus id, or `undefined` when there is no such bus. */
  idOf(name: string): number | undefined {
    return this.#idByName.get(name);
  }

  /** The bus id; throws when there is no such bus. */
  require(name: string): number {
    const id = this.#idByName.get(name);
    if (id === undefined) throw new ResourceNotFoundError('Event bus', name);
    return id;
  }

  nameOf(id: number): string {
    return this.#nameById.get(id) ?? `#${id}`;
  }

  names(): string[] {
    return [...this.#idByName.keys()];
  }

  #remember(id: number, name: string): void {
    this.#idByName.set(name, id);
    this.#nameById.set(id, name);
  }
}

export { DEFAULT_BUS, EventBuses };
