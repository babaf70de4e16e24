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

/** S3's `NoSuchVersion`: a GetObject named a version id the key does not have. */
class NoSuchVersionError extends ResourceNotFoundError {
  readonly bucket: string;
  readonly key: string;
  readonly versionId: string;

  constructor(bucket: string, key: string, versionId: string) {
    super('object version', `${bucket}/${key}?versionId=${versionId}`, 'NoSuchVersion');
    this.name = 'NoSuchVersionError';
    this.bucket = bucket;
    this.key = key;
    this.versionId = versionId;
  }
}

/** S3's `InvalidRange` (HTTP 416): a GetObject range that starts past the object's end. */
class InvalidRangeError extends LocalRuntimeError {
  constructor(message: string) {
    super('InvalidRange', message);
    this.name = 'InvalidRangeError';
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

/** An operation the resource's state does not allow, e.g. cancelling an ended replay. */
class IllegalStatusError extends LocalRuntimeError {
  constructor(message: string) {
    super('IllegalStatusException', message);
    this.name = 'IllegalStatusError';
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

/** ChangeMessageVisibility on a message that is not in flight under that handle (`MessageNotInflight`). */
class MessageNotInflightError extends LocalRuntimeError {
  readonly receiptHandle: string;

  constructor(receiptHandle: string) {
    super(
      'MessageNotInflight',
      `The message of receipt handle "${receiptHandle}" is not in flight.`,
    );
    this.name = 'MessageNotInflightError';
    this.receiptHandle = receiptHandle;
  }
}

/**
 * The state folder contradicts itself (a row that should be there is not): a bug or a file
 * edited by hand, never an input error. It stops the runtime rather than guess.
 */
class InconsistentStateError extends LocalRuntimeError {
  constructor(message: string, options?: ErrorOptions) {
    super('InternalFailure', message, options);
    this.name = 'InconsistentStateError';
  }
}

/**
 * A state folder that was used before (it holds emails, objects or a write-ahead log) but
 * whose `runtime.sqlite` is missing or empty: opening it as a fresh state would silently
 * forget everything the other files belong to, so it is refused instead.
 */
class DamagedStateFolderError extends InconsistentStateError {
  readonly stateDir: string;
  /** What is wrong with the database file, e.g. `runtime.sqlite is missing`. */
  readonly problem: string;
  /** The signs of earlier use found beside it, e.g. `3 email(s) in outbox/`. */
  readonly found: readonly string[];

  constructor(stateDir: string, problem: string, found: readonly string[]) {
    super(
      `The state folder ${stateDir} is damaged: ${problem}, but the folder holds ${found.join(', ')}. ` +
        'Restore runtime.sqlite from a backup, or move the folder away to start from a fresh state.',
    );
    this.name = 'DamagedStateFolderError';
    this.stateDir = stateDir;
    this.problem = problem;
    this.found = found;
  }
}

/** Who holds a state folder's driver lock, as its holder note says. */
interface StateFolderHolder {
  readonly pid: number;
  /** The holder's command line, e.g. `txnflow ingest a.txt`. */
  readonly command: string;
  /** When it took the lock, ISO 8601. */
  readonly since: string;
}

/** `pid 1234 (txnflow ingest a.txt)`, or `another process` when the holder is not known. */
const describeHolder = (holder: StateFolderHolder | undefined): string =>
  holder ? `pid ${holder.pid} (${holder.command})` : 'another process';

/**
 * Another process drives the state folder (holds its driver lock) and did not let go within
 * the wait allowed. {@link holder} is who, when its holder note could be read.
 */
class StateFolderBusyError extends LocalRuntimeError {
  readonly stateDir: string;
  readonly holder: StateFolderHolder | undefined;
  readonly waitedMs: number;

  constructor(stateDir: string, holder: StateFolderHolder | undefined, waitedMs: number) {
    const since = holder ? ` since ${holder.since}` : '';
    const waited = waitedMs > 0 ? `; waited ${Math.round(waitedMs / 1000)} s for it` : '';
    super(
      'StateFolderBusy',
      `${describeHolder(holder)} is using the state folder ${stateDir}${since}${waited}. ` +
        'Run again once it has finished (a killed process lets go of the folder at once).',
    );
    this.name = 'StateFolderBusyError';
    this.stateDir = stateDir;
    this.holder = holder;
    this.waitedMs = waitedMs;
  }
}

/** A write on a runtime opened read-only (a listing beside the process that drives). */
class ReadOnlyRuntimeError extends LocalRuntimeError {
  readonly operation: string;

  constructor(operation: string) {
    super(
      'ReadOnly',
      `${operation} needs a runtime that drives the state folder; this one was opened read-only.`,
    );
    this.name = 'ReadOnlyRuntimeError';
    this.operation = operation;
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

export type { StateFolderHolder };
export {
  DamagedStateFolderError,
  describeHolder,
  IdleTimeoutError,
  IllegalStatusError,
  InconsistentStateError,
  InjectedFaultError,
  InvalidFaultSpecError,
  InvalidRangeError,
  LimitExceededError,
  LocalRuntimeError,
  MessageNotInflightError,
  NoSuchKeyError,
  NoSuchVersionError,
  ReadOnlyRuntimeError,
  ReceiptHandleIsInvalidError,
  ResourceAlreadyExistsError,
  ResourceNotFoundError,
  RuntimeClosedError,
  StateFolderBusyError,
  ValidationError,
};
