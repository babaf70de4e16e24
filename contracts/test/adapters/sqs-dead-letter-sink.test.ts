import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { SqsDeadLetterSink } from '../../src/adapters/sqs-dead-letter-sink.ts';

const sqs = mockClient(SQSClient);
const QUEUE_URL = 'https://sqs.eu-west-1.amazonaws.com/123456789012/LedgerTransactionsDLQ';

describe('Class: SqsDeadLetterSink', () => {
  beforeEach(() => {
    sqs.reset();
    sqs.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
  });

  describe('Method: send', () => {
    it('sends the event as the body and the reason as EventBridge-style attributes', async () => {
      const sink = new SqsDeadLetterSink(new SQSClient({}), QUEUE_URL);

      await sink.send('{"id":"e-1"}', 'contract validation failed: /detail/data/amount ...');

      expect(sqs.commandCalls(SendMessageCommand)[0]?.args[0].input).toEqual({
        QueueUrl: QUEUE_URL,
        MessageBody: '{"id":"e-1"}',
        MessageAttributes: {
          ERROR_CODE: { DataType: 'String', StringValue: 'ContractValidationFailed' },
          ERROR_MESSAGE: {
            DataType: 'String',
            StringValue: 'contract validation failed: /detail/data/amount ...',
          },
        },
      });
    });

    it('cuts a very long reason so the message still fits', async () => {
      const sink = new SqsDeadLetterSink(new SQSClient({}), QUEUE_URL);

      await sink.send('{}', 'x'.repeat(10_000));

      const attributes = sqs.commandCalls(SendMessageCommand)[0]?.args[0].input.MessageAttributes;
      expect(attributes?.ERROR_MESSAGE?.StringValue).toHaveLength(4096);
    });

    it('fails loudly when SQS refuses the message, so the event is retried, not lost', async () => {
      sqs.on(SendMessageCommand).rejects(new Error('AccessDenied'));
      const sink = new SqsDeadLetterSink(new SQSClient({}), QUEUE_URL);

      await expect(sink.send('{}', 'bad')).rejects.toThrowError('AccessDenied');
    });
  });
});
