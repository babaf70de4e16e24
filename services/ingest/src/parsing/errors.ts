/** Base class of ingest's errors. */
class IngestError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'IngestError';
  }
}

/** The header line is not the documented one: no row of the file can be read. */
class InvalidHeaderError extends IngestError {
  readonly file: string;
  readonly line = 1;
  /** What is wrong with the header, without the file and line. */
  readonly reason: string;

  constructor(file: string, reason: string) {
    super(`${file}:1: ${reason}`);
    this.name = 'InvalidHeaderError';
    this.file = file;
    this.reason = reason;
  }
}

export { IngestError, InvalidHeaderError };
