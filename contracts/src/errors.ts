/** Base class of every error the contracts package throws; callers branch on `instanceof`. */
class ContractError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ContractError';
  }
}

/** One failing place in an event detail: a JSON Pointer into the detail and what is wrong there. */
interface ValidationIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * An event detail does not match its contract. Producers throw it (publishing an invalid
 * event is a bug); consumers catch it and dead-letter the event with {@link issues}.
 */
class ContractValidationError extends ContractError {
  readonly detailType: string;
  readonly issues: readonly ValidationIssue[];

  constructor(detailType: string, issues: readonly ValidationIssue[], options?: ErrorOptions) {
    super(
      `${detailType} detail is invalid: ${issues.map((i) => `${i.path || '/'} ${i.message}`).join('; ')}`,
      options,
    );
    this.name = 'ContractValidationError';
    this.detailType = detailType;
    this.issues = issues;
  }
}

/** A money string is not a decimal with at most 2 fraction digits, or exceeds the safe range. */
class InvalidMoneyError extends ContractError {
  readonly input: string;

  constructor(input: string, reason: string) {
    super(`invalid amount "${input}": ${reason}`);
    this.name = 'InvalidMoneyError';
    this.input = input;
  }
}

/** A consumer contract is malformed, or disagrees with the consumer's manifest or edge. */
class ConsumerContractError extends ContractError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ConsumerContractError';
  }
}

/**
 * A consumer's code read a field of an event that its consumer contract does not declare:
 * the producer's check cannot protect a field nobody declared, so the read fails loudly.
 */
class UndeclaredFieldReadError extends ContractError {
  readonly consumer: string;
  readonly detailType: string;
  /** JSON Pointer into the detail: `/data/source/key`. */
  readonly pointer: string;

  constructor(consumer: string, detailType: string, pointer: string) {
    super(
      `${consumer} read ${pointer} of ${detailType}, which its consumer contract does not declare ` +
        `(services/${consumer}/src/consumes.ts): declare it, or do not read it`,
    );
    this.name = 'UndeclaredFieldReadError';
    this.consumer = consumer;
    this.detailType = detailType;
    this.pointer = pointer;
  }
}

export type { ValidationIssue };
export {
  ConsumerContractError,
  ContractError,
  ContractValidationError,
  InvalidMoneyError,
  UndeclaredFieldReadError,
};
