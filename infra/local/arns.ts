/**
 * Builds the ARNs the runtime writes into events, envelopes and dead-letter attributes, in the
 * formats AWS uses, for the runtime's account and region.
 *
 * @example new Arns('local-1', '000000000000').queue('Orders') // 'arn:aws:sqs:local-1:000000000000:Orders'
 */
class Arns {
  readonly #region: string;
  readonly #accountId: string;

  constructor(region: string, accountId: string) {
    this.#region = region;
    this.#accountId = accountId;
  }

  eventBus(name: string): string {
    return `arn:aws:events:${this.#region}:${this.#accountId}:event-bus/${name}`;
  }

  /** Rules on the default bus have no bus segment, as on AWS. */
  rule(eventBusName: string, name: string): string {
    const path = eventBusName === 'default' ? name : `${eventBusName}/${name}`;
    return `arn:aws:events:${this.#region}:${this.#accountId}:rule/${path}`;
  }

  archive(name: string): string {
    return `arn:aws:events:${this.#region}:${this.#accountId}:archive/${name}`;
  }

  replay(name: string): string {
    return `arn:aws:events:${this.#region}:${this.#accountId}:replay/${name}`;
  }

  queue(name: string): string {
    return `arn:aws:sqs:${this.#region}:${this.#accountId}:${name}`;
  }

  topic(name: string): string {
    return `arn:aws:sns:${this.#region}:${this.#accountId}:${name}`;
  }

  function(name: string): string {
    return `arn:aws:lambda:${this.#region}:${this.#accountId}:function:${name}`;
  }

  /** S3 bucket ARNs carry neither region nor account. */
  bucket(name: string): string {
    return `arn:aws:s3:::${name}`;
  }
}

/**
 * The bus name out of a name or an event-bus ARN, since PutEvents and PutRule accept both.
 *
 * @example busNameOf('arn:aws:events:local-1:000000000000:event-bus/txnflow') // 'txnflow'
 */
function busNameOf(nameOrArn: string): string {
  const marker = ':event-bus/';
  const at = nameOrArn.startsWith('arn:') ? nameOrArn.indexOf(marker) : -1;
  return at === -1 ? nameOrArn : nameOrArn.slice(at + marker.length);
}

export { Arns, busNameOf };
