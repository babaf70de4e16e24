import { randomUUID } from 'node:crypto';
import { ResourceNotFoundError, ValidationError } from '../errors.ts';
import { assertName } from '../names.ts';

/** What a handler learns about its invocation, like a Lambda context's essentials. */
interface HandlerContext {
  readonly functionName: string;
  /** Unique per invocation. */
  readonly awsRequestId: string;
  /** 1 for the first try of a delivery, 2 for its first retry, and so on. */
  readonly attempt: number;
}

/** An in-process "Lambda" function. */
type Handler = (event: unknown, context: HandlerContext) => Promise<unknown> | unknown;

/**
 * The in-process handlers, by name. Not persisted: a process registers them after each open,
 * and work for a handler not registered yet waits for it rather than failing.
 *
 * @example handlers.register('ledger.transactionRecorded', async (event) => apply(event));
 */
class HandlerRegistry {
  readonly #handlers = new Map<string, Handler>();
  readonly #onRegistered: (name: string) => void;

  constructor(onRegistered: (name: string) => void) {
    this.#onRegistered = onRegistered;
  }

  register(name: string, handler: Handler): void {
    assertName('handler', name);
    if (typeof handler !== 'function')
      throw new ValidationError(`Handler ${name} must be a function`);
    this.#handlers.set(name, handler);
    this.#onRegistered(name);
  }

  has(name: string): boolean {
    return this.#handlers.has(name);
  }

  /** Runs the handler; a synchronous throw becomes a rejection, so callers have one failure path. */
  async invoke(name: string, event: unknown, attempt: number): Promise<unknown> {
    const handler = this.#handlers.get(name);
    if (!handler) throw new ResourceNotFoundError('Handler', name);
    return handler(event, { functionName: name, awsRequestId: randomUUID(), attempt });
  }
}

export type { Handler, HandlerContext };
export { HandlerRegistry };
