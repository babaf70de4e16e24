import { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.ts';

interface ServiceQueueProps {
  /** Receives before a message moves to the dead-letter queue. @default 5 */
  readonly maxReceiveCount?: number;
  /**
   * At least the consumer's timeout (AWS advises 6 times it for event source mappings).
   * @default Duration.seconds(60)
   */
  readonly visibilityTimeout?: Duration;
}

/**
 * A queue of the service with its own dead-letter queue: encrypted, TLS only.
 *
 * @example new ServiceQueue(this, 'CustomerNotify', { maxReceiveCount: 5 })
 */
class ServiceQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ServiceQueueProps = {}) {
    super(scope, id);
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      contents: `messages of ${id} that failed ${props.maxReceiveCount ?? 5} receives`,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout ?? Duration.seconds(60),
      deadLetterQueue: {
        queue: this.deadLetters.queue,
        maxReceiveCount: props.maxReceiveCount ?? 5,
      },
    });
  }
}

export type { ServiceQueueProps };
export { ServiceQueue };
