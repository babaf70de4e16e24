/**
 * The base of every error the local runtime throws on purpose. Callers branch on the subclass
 * with `instanceof`; {@link code} carries the error code AWS would answer with, so that code
 * written against the AWS SDK's error names reads the same locally.
 */
class LocalRuntimeError extends Error {
  /** The AWS error code this stands for, e.g. `ValidationException`. */
  readonly code: string;

  constructor(code: string, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'LocalRuntimeError';
    this.code = code;
  }
}

/** A request AWS would refuse as a whole (`ValidationException`), e.g. 11 PutEvents entries. */
class ValidationError extends LocalRuntimeError {
  constructor(message: string, options?: ErrorOptions) {
    super('ValidationException', message, options);
    this.name = 'ValidationError';
  }
}

/** A named resource (bus, rule, queue, topic, bucket, archive, replay...) that does not exist. */
class ResourceNotFoundError extends LocalRuntimeError {
  readonly resourceType: string;
  readonly resourceName: string;

  constructor(resourceType: string, resourceName: string, code = 'ResourceNotFoundException') {
    super(code, `${resourceType} ${resourceName} does not exist.`);
    this.name = 'ResourceNotFoundError';
    this.resourceType = resourceType;
    this.resourceName = resourceName;
  }
}

/** S3's `NoSuchKey`: the bucket has no object under that key. */
class NoSuchKeyError extends ResourceNotFoundError {
  readonly bucket: string;

  constructor(bucket: string, key: string) {
    super('object', `${bucket}/${key}`, 'NoSuchKey');
    this.name = 'NoSuchKeyError';
    this.bucket = bucket;
  }
}

/** A name that must be new is taken, e.g. a replay name (`ResourceAlreadyExistsException`). */
class ResourceAlreadyExistsError extends LocalRuntimeError {
  readonly resourceType: string;
  readonly resourceName: string;

  constructor(resourceType: string, resourceName: string) {
    super('ResourceAlreadyExistsException', `${resourceType} ${resourceName} already exists.`);
    this.name = 'ResourceAlreadyExistsError';
    this.resourceType = resourceType;
    this.resourceName = resourceName;
  }
}

/** An AWS quota reached, e.g. a sixth target on one rule (`LimitExceededException`). */
class LimitExceededError extends LocalRuntimeError {
  constructor(message: string) {
    super('LimitExceededException', message);
    this.name = 'LimitExceededError';
  }
}

/** A receipt handle this runtime never issued (`ReceiptHandleIsInvalid`). */
class ReceiptHandleIsInvalidError extends LocalRuntimeError {
  readonly receiptHandle: string;

  constructor(receiptHandle: string) {
    super('ReceiptHandleIsInvalid', `The input receipt handle "${receiptHandle}" is not valid.`);
    this.name = 'ReceiptHandleIsInvalidError';
    this.receiptHandle = receiptHandle;
  }
}

/**
 * The state folder contradicts itself (a row that should be there is not): a bug or a file
 * edited by hand, never an input error. It stops the runtime rather than guess.
 */
class InconsistentStateError extends LocalRuntimeError {
  constructor(message: string) {
    super('InternalFailure', message);
    this.name = 'InconsistentStateError';
  }
}

/** `runUntilIdle` ran out of time; {@link pending} says what was still under way. */
class IdleTimeoutError extends LocalRuntimeError {
  readonly timeoutMs: number;
  readonly pending: readonly string[];

  constructor(timeoutMs: number, pending: readonly string[]) {
    super(
      'IdleTimeout',
      `The local runtime was not idle after ${timeoutMs} ms; still pending: ${pending.join('; ')}`,
    );
    this.name = 'IdleTimeoutError';
    this.timeoutMs = timeoutMs;
    this.pending = pending;
  }
}

/** A call on a runtime after `close()`. */
class RuntimeClosedError extends LocalRuntimeError {
  constructor() {
    super('RuntimeClosed', 'The local runtime is closed; open the state folder again.');
    this.name = 'RuntimeClosedError';
  }
}

/** A `TXNFLOW_FAULTS` value (or `faults` option) that cannot be read. */
class InvalidFaultSpecError extends LocalRuntimeError {
  readonly spec: string;

  constructor(spec: string, reason: string) {
    super('InvalidFaultSpec', `Fault spec "${spec}" is invalid: ${reason}`);
    this.name = 'InvalidFaultSpecError';
    this.spec = spec;
  }
}

/** The failure fault injection throws in place of a handler run, so that it gets retried. */
class InjectedFaultError extends LocalRuntimeError {
  constructor(functionName: string) {
    super('InjectedFault', `Injected fault: ${functionName} failed before it ran`);
    this.name = 'InjectedFaultError';
  }
}

export {
  IdleTimeoutError,
  InconsistentStateError,
  InjectedFaultError,
  InvalidFaultSpecError,
  LimitExceededError,
  LocalRuntimeError,
  NoSuchKeyError,
  ReceiptHandleIsInvalidError,
  ResourceAlreadyExistsError,
  ResourceNotFoundError,
  RuntimeClosedError,
  ValidationError,
};
