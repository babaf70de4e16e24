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

export type { ValidationIssue };
export { ContractError, ContractValidationError, InvalidMoneyError };
