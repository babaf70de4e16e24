import type { Duration } from 'aws-cdk-lib';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { DeadLetterQueue } from './dead-letter-queue.ts';

interface ServiceQueueProps {
  /** Receives before a message moves to the dead-letter queue (the manifest's, resolved). */
  readonly maxReceiveCount: number;
  /** At least the consumer's timeout (AWS advises 6 times it for event source mappings). */
  readonly visibilityTimeout: Duration;
}

/**
 * A queue of the service with its own dead-letter queue: encrypted, TLS only.
 *
 * @example new ServiceQueue(this, 'CustomerNotify', { maxReceiveCount: 5, visibilityTimeout: Duration.seconds(60) })
 */
class ServiceQueue extends Construct {
  readonly queue: Queue;
  readonly deadLetters: DeadLetterQueue;

  constructor(scope: Construct, id: string, props: ServiceQueueProps) {
    super(scope, id);
    this.deadLetters = new DeadLetterQueue(this, 'DeadLetters', {
      contents: `messages of ${id} that failed ${props.maxReceiveCount} receives`,
    });
    this.queue = new Queue(this, 'Queue', {
      encryption: QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      visibilityTimeout: props.visibilityTimeout,
      deadLetterQueue: {
        queue: this.deadLetters.queue,
        maxReceiveCount: props.maxReceiveCount,
      },
    });
  }
}

export type { ServiceQueueProps };
export { ServiceQueue };
